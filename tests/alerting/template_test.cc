#include "alerting/template.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace vigil::alerting {
namespace {

TEST(Template, RendersLabelsAndTheValue) {
  auto parsed = Template::Parse("load {{ $value }} on {{$labels.agent}} ({{ $labels.missing }})");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->Render({{"agent", "web-01"}}, 4.25), "load 4.25 on web-01 ()");
}

TEST(Template, HumanizesWithSiPrefixes) {
  auto parsed = Template::Parse("{{ humanize $value }}B free");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->Render({}, 1536000), "1.536MB free");
  EXPECT_EQ(HumanizeValue(0.012), "12m");
  EXPECT_EQ(HumanizeValue(999), "999");
}

TEST(Template, RefusesUnknownPlaceholdersAndUnclosedBraces) {
  auto unknown = Template::Parse("x {{ .Labels.agent }}");
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(unknown.error().message,
              ::testing::HasSubstr("unsupported placeholder {{ .Labels.agent }} at offset 2"));
  EXPECT_FALSE(Template::Parse("x {{ $value").ok());
}

}  // namespace
}  // namespace vigil::alerting
