#include "common/enum_names.h"

#include <gtest/gtest.h>

#include "common/severity.h"

namespace vigil {
namespace {

enum class Light { kRed, kAmber, kGreen };
constexpr EnumNames<Light, 2> kPartial{{{Light::kRed, "red"}, {Light::kGreen, "green"}}};

TEST(EnumNames, ReadsBothWaysAndSaysWhenANameOrValueIsMissing) {
  EXPECT_EQ(NameIn(kPartial, Light::kGreen), "green");
  EXPECT_EQ(ValueIn(kPartial, "red"), Light::kRed);
  EXPECT_EQ(NameIn(kPartial, Light::kAmber), "");
  EXPECT_FALSE(ValueIn(kPartial, "amber"));
  EXPECT_FALSE(ValueIn(kPartial, "Red"));  // names are exact
  EXPECT_FALSE(ValueIn(kPartial, ""));
}

TEST(EnumNames, EverySeverityNameReadsBackAsItsSeverity) {
  for (Severity severity :
       {Severity::kCritical, Severity::kHigh, Severity::kMedium, Severity::kLow}) {
    ASSERT_FALSE(SeverityName(severity).empty());
    EXPECT_EQ(ParseSeverity(SeverityName(severity)), severity);
  }
  EXPECT_FALSE(ParseSeverity("warning"));
}

}  // namespace
}  // namespace vigil
