#include "common/units.h"

#include <gtest/gtest.h>

namespace vigil {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(ParseDuration, ReadsEachUnit) {
  EXPECT_EQ(*ParseDuration("500ms"), milliseconds(500));
  EXPECT_EQ(*ParseDuration("10s"), seconds(10));
  EXPECT_EQ(*ParseDuration("5m"), minutes(5));
  EXPECT_EQ(*ParseDuration("1h"), hours(1));
  EXPECT_EQ(*ParseDuration("2d"), hours(48));
}

TEST(ParseDuration, AddsCompoundTermsInDecreasingOrder) {
  EXPECT_EQ(*ParseDuration("1h30m"), minutes(90));
  EXPECT_EQ(*ParseDuration("1m5s250ms"), milliseconds(65250));
}

TEST(ParseDuration, RejectsBareNumbersAndNamesTheProblem) {
  Result<Duration> parsed = ParseDuration("10");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.error().message.find("unit"), std::string::npos);
  EXPECT_NE(parsed.error().message.find("\"10\""), std::string::npos);
}

TEST(ParseDuration, RejectsSignsFractionsUnknownUnitsAndWrongOrder) {
  for (const char* text : {"", "-5s", "+5s", "1.5s", "5 s", "5sec", "10x", "s", "5s1h", "5m5m",
                           "99999999999999999999s"}) {
    EXPECT_FALSE(ParseDuration(text).ok()) << text;
  }
}

TEST(FormatDuration, RoundTripsThroughParse) {
  for (const char* text : {"0s", "250ms", "10s", "1h30m", "1d2h3m4s5ms"}) {
    EXPECT_EQ(FormatDuration(*ParseDuration(text)), text);
  }
}

TEST(ParseSize, ReadsBinaryAndDecimalUnits) {
  EXPECT_EQ(*ParseSize("512B"), 512u);
  EXPECT_EQ(*ParseSize("64KiB"), 64u * 1024);
  EXPECT_EQ(*ParseSize("256MiB"), 256u * 1024 * 1024);
  EXPECT_EQ(*ParseSize("2GiB"), 2ULL << 30);
  EXPECT_EQ(*ParseSize("10MB"), 10'000'000u);
}

TEST(ParseSize, RejectsMissingUnitsFractionsAndOverflow) {
  for (const char* text : {"", "12", "1.5MiB", "-1KiB", "5 MiB", "5mib", "9999999999TiB"}) {
    EXPECT_FALSE(ParseSize(text).ok()) << text;
  }
}

}  // namespace
}  // namespace vigil
