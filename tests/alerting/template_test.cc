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

namespace vigil::alerting {
namespace {

// The functions Prometheus users put in annotations, in both spellings.
TEST(Template, RendersPrometheussValueAndTextFunctions) {
  const auto render = [](std::string_view text, double value) {
    auto parsed = Template::Parse(text);
    if (!parsed) return "error: " + parsed.error().message;
    return parsed->Render({{"job", "node exporter"}}, value);
  };
  EXPECT_EQ(render("{{ printf \"%.2f\" $value }}%", 91.2345), "91.23%");
  EXPECT_EQ(render("{{ $value | printf \"%.1f\" }}", 2.25), "2.2");
  EXPECT_EQ(render("{{ printf \"%d\" $value }} procs", 12.0), "12 procs");
  EXPECT_EQ(render("{{ humanizePercentage $value }}", 0.1234), "12.34%");
  EXPECT_EQ(render("{{ $value | humanizePercentage }}", 0.5), "50%");
  EXPECT_EQ(render("{{ humanize1024 $value }}B", 1536), "1.5kiB");
  EXPECT_EQ(render("{{ humanize1024 $value }}", 0.5), "0.5");
  EXPECT_EQ(render("{{ humanizeDuration $value }}", 93784), "1d 2h 3m 4s");
  EXPECT_EQ(render("{{ humanizeDuration $value }}", 61), "1m 1s");
  EXPECT_EQ(render("{{ humanizeDuration $value }}", 1.5), "1.5s");
  EXPECT_EQ(render("{{ humanizeDuration $value }}", 0.25), "250ms");
  EXPECT_EQ(render("{{ $labels.job | toUpper }}", 0), "NODE EXPORTER");
  EXPECT_EQ(render("{{ title $labels.job }}", 0), "Node Exporter");
  EXPECT_EQ(render("{{ $value | humanize | toUpper }}", 1500), "1.5K");
}

TEST(Template, RefusesFunctionsItDoesNotKnowOrArgumentsThatDoNotFit) {
  for (const char* text :
       {"{{ printf \"%s\" $value }}", "{{ printf \"%.2f %.2f\" $value }}",
        "{{ humanize $labels.job }}", "{{ $labels.job | humanize }}", "{{ frobnicate $value }}",
        "{{ $value | }}", "{{ printf $value }}", "{{ if $value }}x{{ end }}"}) {
    auto parsed = Template::Parse(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_THAT(parsed.error().message, ::testing::HasSubstr("unsupported placeholder")) << text;
  }
}

}  // namespace
}  // namespace vigil::alerting
