#include "common/exposition.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <limits>

#include "common/metric_builder.h"

namespace vigil {
namespace {

TEST(RenderText, WritesHelpTypeAndEscapedLabels) {
  auto family = MakeFamily("demo_total", "Help with \\ and\nnewline.", wire::METRIC_TYPE_COUNTER);
  AddSeries(family, 3, {{"path", "C:\\dir \"quoted\"\nline"}});
  EXPECT_EQ(RenderText({family}),
            "# HELP demo_total Help with \\\\ and\\nnewline.\n"
            "# TYPE demo_total counter\n"
            "demo_total{path=\"C:\\\\dir \\\"quoted\\\"\\nline\"} 3\n");
}

TEST(RenderText, WritesValuesThatReadBackExactly) {
  for (double value :
       {0.1, 1.8446744073709552e19, 2.1000000000000002e-05, 1795746863.8610923, -0.0, 5e-324}) {
    auto family = MakeFamily("v", "", wire::METRIC_TYPE_GAUGE);
    AddSeries(family, value);
    const std::string text = RenderText({family});
    const std::string number = text.substr(text.rfind(' ') + 1);
    EXPECT_EQ(std::strtod(number.c_str(), nullptr), value) << number;
  }
}

TEST(RenderText, SpellsSpecialValuesAsPrometheusDoes) {
  auto family = MakeFamily("v", "", wire::METRIC_TYPE_GAUGE);
  AddSeries(family, std::numeric_limits<double>::quiet_NaN(), {{"k", "nan"}});
  AddSeries(family, std::numeric_limits<double>::infinity(), {{"k", "inf"}});
  AddSeries(family, -std::numeric_limits<double>::infinity(), {{"k", "-inf"}});
  const std::string text = RenderText({family});
  EXPECT_NE(text.find("v{k=\"nan\"} NaN\n"), std::string::npos);
  EXPECT_NE(text.find("v{k=\"inf\"} +Inf\n"), std::string::npos);
  EXPECT_NE(text.find("v{k=\"-inf\"} -Inf\n"), std::string::npos);
}

TEST(RenderText, LeavesOutFamiliesWithoutSeries) {
  EXPECT_EQ(RenderText({MakeFamily("empty", "x", wire::METRIC_TYPE_GAUGE)}), "");
}

TEST(Names, FollowPrometheusRules) {
  EXPECT_TRUE(IsValidMetricName("node_cpu_seconds_total"));
  EXPECT_TRUE(IsValidMetricName("job:rate5m"));
  EXPECT_FALSE(IsValidMetricName("9lives"));
  EXPECT_FALSE(IsValidMetricName("bad-name"));
  EXPECT_FALSE(IsValidMetricName(""));
  EXPECT_TRUE(IsValidLabelName("_private"));
  EXPECT_FALSE(IsValidLabelName("a:b"));
  EXPECT_FALSE(IsValidLabelName("1a"));
}

}  // namespace
}  // namespace vigil
