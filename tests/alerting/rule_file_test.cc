#include "alerting/rule_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/temp_dir.h"

namespace vigil::alerting {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> Problems(const std::string& yaml) {
  std::vector<std::string> out;
  for (const auto& problem : ParseRuleFile(yaml, "r.yaml").problems) {
    out.push_back(config::FormatDiagnostic(problem));
  }
  return out;
}

TEST(RuleFile, ReadsEveryKeyOfARule) {
  auto loaded = ParseRuleFile(R"(rules:
  - name: HighLoad
    expr: node_load1 > 4
    for: 2s
    keep_firing_for: 5s
    severity: critical
    labels: {team: ops}
    annotations:
      summary: "load {{ $value }}"
)",
                              "r.yaml");
  ASSERT_TRUE(loaded.ok()) << config::FormatDiagnostic(loaded.problems[0]);
  ASSERT_EQ(loaded.config.rules.size(), 1u);
  const Rule& rule = loaded.config.rules[0];
  EXPECT_EQ(rule.name, "HighLoad");
  EXPECT_EQ(rule.ExprText(), "node_load1 > 4");
  EXPECT_EQ(rule.for_duration, std::chrono::seconds(2));
  EXPECT_EQ(rule.keep_firing_for, std::chrono::seconds(5));
  EXPECT_EQ(rule.severity, Severity::kCritical);
  EXPECT_EQ(rule.labels, (Labels{{"team", "ops"}}));
  EXPECT_EQ(rule.origin, "r.yaml:2");
  EXPECT_EQ(rule.annotations[0].second.Render({}, 5), "load 5");
}

TEST(RuleFile, AnExpressionErrorPointsIntoTheExpression) {
  EXPECT_THAT(Problems("rules:\n  - name: A\n    expr: node_load1 >> 4\n"),
              ElementsAre("r.yaml:3:23: rules[0].expr: expected an expression, found "
                          "\">\""));
  EXPECT_THAT(Problems("rules:\n  - name: A\n    expr: 'rate(x[5q]) > 1'\n"),
              ElementsAre(HasSubstr("r.yaml:3:19: rules[0].expr: invalid range")));
  EXPECT_THAT(Problems("rules:\n  - name: A\n    expr: |\n      x{a=~\"(\"}\n        > 1\n"),
              ElementsAre(HasSubstr("r.yaml:4:12: rules[0].expr: invalid regular expression")));
}

TEST(RuleFile, ReportsEachProblemWithItsKey) {
  EXPECT_THAT(
      Problems(R"(rules:
  - name: A
    expr: x > 1
    severity: urgent
    for: soon
    labels: {"bad-name": x, severity: high}
    annotations: {summary: "{{ .Valu }}"}
    colour: red
  - name: A
    expr: y > 1
  - expr: z > 1
  - name: AgentDown
    expr: z > 1
)"),
      ElementsAre(
          HasSubstr("r.yaml:4:15: rules[0].severity: expected critical, high, medium or low"),
          HasSubstr("r.yaml:5:10: rules[0].for:"),
          HasSubstr("rules[0].labels.bad-name: \"bad-name\" is not a label name"),
          HasSubstr("rules[0].labels.severity: set the rule's severity with the severity key"),
          HasSubstr("r.yaml:7:32: rules[0].annotations.summary: the data has no field \"Valu\""),
          HasSubstr("r.yaml:8:5: rules[0].colour: unknown key \"colour\""),
          HasSubstr("r.yaml:9:11: rules[1].name: another rule is already named \"A\""),
          HasSubstr("r.yaml:11:5: rules[2].name: required, but missing"),
          HasSubstr("r.yaml:12:11: rules[3].name: \"AgentDown\" is the name of a built-in rule")));
}

TEST(RuleFile, GlobsReadEveryMatchingFileAndALiteralPathMustExist) {
  vigil::testing::TempDir dir;
  dir.Write("rules.d/a.yaml", "rules: [{name: A, expr: a > 1}]\n");
  dir.Write("rules.d/b.yaml", "rules: [{name: B, expr: b > 1}]\n");
  dir.Write("rules.d/ignored.txt", "not yaml: [");
  auto loaded = LoadRuleFiles({dir.File("rules.d/*.yaml"), dir.File("none/*.yaml")});
  ASSERT_TRUE(loaded.ok());
  ASSERT_EQ(loaded.config.rules.size(), 2u);
  EXPECT_EQ(loaded.config.rules[1].name, "B");
  auto missing = LoadRuleFiles({dir.File("missing.yaml")});
  ASSERT_EQ(missing.problems.size(), 1u);
  EXPECT_THAT(config::FormatDiagnostic(missing.problems[0]), HasSubstr("rule file not found"));
}

TEST(RuleFile, DuplicateNamesAcrossFilesAreReported) {
  vigil::testing::TempDir dir;
  dir.Write("a.yaml", "rules: [{name: A, expr: a > 1}]\n");
  dir.Write("b.yaml", "rules: [{name: A, expr: b > 1}]\n");
  auto loaded = LoadRuleFiles({dir.File("*.yaml")});
  ASSERT_EQ(loaded.problems.size(), 1u);
  EXPECT_EQ(loaded.problems[0].file, dir.File("b.yaml"));
}

TEST(RuleFile, APrometheusRuleFileLoadsUnchanged) {
  auto loaded = ParseRuleFile(R"(groups:
  - name: node
    interval: 30s
    rules:
      - record: instance:node_cpu_busy:ratio
        expr: 1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m]))
        labels: {source: recorded}
      - alert: HostFilesystemFillingUp
        expr: predict_linear(node_filesystem_avail_bytes[1h], 4 * 3600) < 0
        for: 1h
        labels: {severity: warning, team: storage}
        annotations:
          summary: "{{ $labels.mountpoint }} on {{ $labels.instance }} fills up"
      - alert: HostFilesystemFillingUp
        expr: predict_linear(node_filesystem_avail_bytes[1h], 3600) < 0
        keep_firing_for: 10m
        labels: {severity: critical}
  - name: probes
    rules:
      - alert: ProbeSlow
        expr: probe_duration_seconds > 2
        labels: {severity: info}
)",
                              "r.yaml");
  ASSERT_TRUE(loaded.ok()) << config::FormatDiagnostic(loaded.problems[0]);
  ASSERT_EQ(loaded.config.recording.size(), 1u);
  const RecordingRule& recording = loaded.config.recording[0];
  EXPECT_EQ(recording.record, "instance:node_cpu_busy:ratio");
  EXPECT_EQ(recording.group, "node");
  EXPECT_EQ(recording.labels, (Labels{{"source", "recorded"}}));
  ASSERT_TRUE(recording.query);
  ASSERT_EQ(loaded.config.rules.size(), 3u);
  const Rule& warning = loaded.config.rules[0];
  EXPECT_EQ(warning.name, "HostFilesystemFillingUp");
  EXPECT_EQ(warning.Key(), "HostFilesystemFillingUp");
  EXPECT_EQ(warning.group, "node");
  EXPECT_EQ(warning.severity, Severity::kMedium);
  EXPECT_EQ(warning.labels, (Labels{{"team", "storage"}}));  // the severity label is the severity
  EXPECT_EQ(warning.for_duration, std::chrono::hours(1));
  EXPECT_EQ(warning.origin, "r.yaml:8");
  const Rule& critical = loaded.config.rules[1];
  EXPECT_EQ(critical.name, "HostFilesystemFillingUp");
  EXPECT_EQ(critical.Key(), "HostFilesystemFillingUp#2");  // a name repeats: its own key
  EXPECT_EQ(critical.severity, Severity::kCritical);
  EXPECT_EQ(critical.keep_firing_for, std::chrono::minutes(10));
  EXPECT_EQ(loaded.config.rules[2].severity, Severity::kLow);
  EXPECT_EQ(loaded.config.rules[2].group, "probes");
}

TEST(RuleFile, SeverityWordsAreConfigurable) {
  const std::string text =
      "groups: [{name: g, rules: [{alert: A, expr: a > 1, labels: {severity: page}}]}]\n";
  EXPECT_THAT(Problems(text),
              ElementsAre(HasSubstr("r.yaml:1:71: groups[0].rules[0].labels.severity: \"page\" "
                                    "is not a severity this collector knows; map it under "
                                    "rule_severity_labels")));
  RuleFileOptions options;
  options.severity_labels["page"] = Severity::kCritical;
  auto loaded = ParseRuleFile(text, "r.yaml", options);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded.config.rules[0].severity, Severity::kCritical);
  EXPECT_EQ(ParseRuleFile("groups: [{name: g, rules: [{alert: A, expr: a > 1}]}]", "r.yaml")
                .config.rules[0]
                .severity,
            Severity::kMedium);
}

TEST(RuleFile, PrometheusFormatMistakesAreReportedWhereTheyAre) {
  EXPECT_THAT(Problems("rules: []\ngroups: []\n"),
              ElementsAre(HasSubstr("r.yaml:2:9: groups: a file holds either Vigil's rules or "
                                    "Prometheus's groups, not both")));
  EXPECT_THAT(
      Problems(R"(groups:
  - name: g
    rules:
      - record: "not a name"
        expr: sum(x)
      - record: ok:sum
        expr: sum(x)
        for: 5m
      - record: scalar
        expr: scalar(x)
      - alert: A
        record: a
        expr: x > 1
      - expr: x > 1
      - alert: B
        expr: x > 1
        labels: {severity: "{{ $value }}"}
  - name: g
    rules: []
)"),
      ElementsAre(HasSubstr("r.yaml:4:17: groups[0].rules[0].record: \"not a name\" is not a "
                            "metric name"),
                  HasSubstr("r.yaml:8:9: groups[0].rules[1].for: unknown key \"for\""),
                  HasSubstr("r.yaml:10:15: groups[0].rules[2].expr: a recording rule's "
                            "expression must give an instant vector, not a scalar"),
                  HasSubstr("r.yaml:12:17: groups[0].rules[3].record: a rule either records"),
                  HasSubstr("r.yaml:14:9: groups[0].rules[4].alert: required, but missing"),
                  HasSubstr("groups[0].rules[5].labels.severity: a label's value is fixed text"),
                  HasSubstr("r.yaml:18:11: groups[1].name: another group in this file is named "
                            "\"g\"")));
}

TEST(RuleFile, RulesThatSelectARecordedSeriesRunOnPromql) {
  auto loaded = ParseRuleFile(R"(groups:
  - name: g
    rules:
      - record: job:up:sum
        expr: sum(up)
      - alert: FewUp
        expr: job:up:sum < 3
      - alert: LoadHigh
        expr: node_load1 > 3
)",
                              "r.yaml");
  ASSERT_TRUE(loaded.ok());
  EXPECT_TRUE(loaded.config.rules[0].query);  // sees what the recording rule writes
  EXPECT_FALSE(loaded.config.rules[0].expr);
  EXPECT_TRUE(loaded.config.rules[1].expr);  // the per-series engine, as before
}

TEST(RuleFile, AVigilRuleAndAPrometheusAlertCannotShareAName) {
  vigil::testing::TempDir dir;
  dir.Write("a.yaml", "rules: [{name: A, expr: a > 1}]\n");
  dir.Write("b.yaml", "groups: [{name: g, rules: [{alert: A, expr: b > 1}]}]\n");
  auto loaded = LoadRuleFiles({dir.File("*.yaml")});
  ASSERT_EQ(loaded.problems.size(), 1u);
  EXPECT_EQ(loaded.problems[0].file, dir.File("b.yaml"));
  EXPECT_THAT(loaded.problems[0].message, HasSubstr("another rule is already named \"A\""));
}

}  // namespace
}  // namespace vigil::alerting
