#include "alerting/rule_test_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "alerting/rule_tests.h"
#include "tests/support/temp_dir.h"

namespace vigil::alerting::rule_tests {
namespace {

std::string Show(const std::string& text) {
  std::string error;
  auto values = ExpandValues(text, error);
  if (!values) return "error: " + error;
  std::string out;
  for (const InputValue& value : *values) {
    if (!out.empty()) out += ' ';
    out += value.kind == InputValue::Kind::kMissing ? "_"
           : value.kind == InputValue::Kind::kStale ? "stale"
                                                    : FormatValue(value.number);
  }
  return out;
}

// promtool's expanding notation, as its documentation gives it.
TEST(RuleTestFile, ValuesExpandAsPromtoolExpandsThem) {
  EXPECT_EQ(Show("1+2x3"), "1 3 5 7");
  EXPECT_EQ(Show("10-2x2"), "10 8 6");
  EXPECT_EQ(Show("5x2 _x2 stale 1e3 -1.5 -1-1x1"), "5 5 5 _ _ _ stale 1000 -1.5 -1 -2");
  EXPECT_EQ(Show("30e9-1e9x2"), "3e+10 2.9e+10 2.8e+10");
  EXPECT_EQ(Show("Inf -Inf"), "+Inf -Inf");
  EXPECT_THAT(Show("1+x3"), ::testing::HasSubstr("\"1+x3\" is not a value"));
  EXPECT_THAT(Show("one"), ::testing::HasSubstr("\"one\" is not a value"));
  EXPECT_THAT(Show("_+1x2"), ::testing::HasSubstr("is not a value"));
  EXPECT_THAT(Show("0+1x99999999"), ::testing::HasSubstr("more than 1000000 points"));
}

TEST(RuleTestFile, SeriesAreWrittenAsSelectorsWithEqualities) {
  std::string error;
  auto labels = SeriesLabels("up{job=\"node\", instance=\"a:1\"}", error);
  ASSERT_TRUE(labels) << error;
  EXPECT_EQ(*labels, (Labels{{"__name__", "up"}, {"instance", "a:1"}, {"job", "node"}}));
  EXPECT_FALSE(SeriesLabels("up{job=~\"n.*\"}", error));
  EXPECT_THAT(error, ::testing::HasSubstr("its labels are given with ="));
  EXPECT_FALSE(SeriesLabels("sum(up)", error));
}

TEST(RuleTestFile, MistakesInTheTestFileAreReportedWhereTheyAre) {
  vigil::testing::TempDir dir;
  dir.Write("r.yaml", "groups: [{name: g, rules: [{alert: A, expr: up == 0}]}]\n");
  const std::string tests = dir.Write("t.yaml",
                                      "rule_files: [r.yaml]\n"
                                      "tests:\n"
                                      "  - input_series:\n"
                                      "      - series: 'up{job=\"x\"'\n"
                                      "        values: '1 1'\n"
                                      "    alert_rule_test:\n"
                                      "      - eval_time: soon\n"
                                      "        alertname: A\n");
  std::ostringstream report;
  const RuleTestSummary summary = RunRuleTests(tests, {}, report);
  ASSERT_EQ(summary.problems.size(), 2u);
  EXPECT_EQ(summary.problems[0].line, 4);
  EXPECT_THAT(summary.problems[0].message, ::testing::HasSubstr("is not a series"));
  EXPECT_EQ(summary.problems[1].line, 7);
  EXPECT_EQ(summary.problems[1].path, "tests[0].alert_rule_test[0].eval_time");
}

TEST(RuleTestFile, AnAlertFiresAfterForAndIsComparedWithItsLabels) {
  vigil::testing::TempDir dir;
  dir.Write(
      "r.yaml",
      "groups: [{name: g, rules: [{alert: Down, expr: up == 0, for: 2m,"
      " labels: {severity: critical}, annotations: {summary: '{{ $labels.job }} down'}}]}]\n");
  const std::string tests = dir.Write("t.yaml",
                                      "rule_files: [r.yaml]\n"
                                      "tests:\n"
                                      "  - input_series:\n"
                                      "      - {series: 'up{job=\"api\"}', values: '1 0 0 0'}\n"
                                      "    alert_rule_test:\n"
                                      "      - {eval_time: 2m, alertname: Down, exp_alerts: []}\n"
                                      "      - eval_time: 3m\n"
                                      "        alertname: Down\n"
                                      "        exp_alerts:\n"
                                      "          - exp_labels: {job: api, severity: critical}\n"
                                      "            exp_annotations: {summary: api down}\n"
                                      "      - eval_time: 3m\n"
                                      "        alertname: Down\n"
                                      "        exp_alerts: []\n");
  std::ostringstream report;
  const RuleTestSummary summary = RunRuleTests(tests, {}, report);
  EXPECT_TRUE(summary.problems.empty());
  EXPECT_EQ(summary.checks, 3);
  EXPECT_EQ(summary.failed, 1) << report.str();
  EXPECT_THAT(report.str(), ::testing::HasSubstr("t.yaml:12: alertname Down, time 180s"));
  EXPECT_THAT(report.str(),
              ::testing::HasSubstr("got: [labels {alertname=\"Down\", job=\"api\", "
                                   "severity=\"critical\"} annotations {summary=\"api down\"}]"));
}

}  // namespace
}  // namespace vigil::alerting::rule_tests
