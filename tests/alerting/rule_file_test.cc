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
    annotations: {summary: "{{ .Value }}"}
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
          HasSubstr("r.yaml:7:28: rules[0].annotations.summary: unsupported placeholder"),
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

}  // namespace
}  // namespace vigil::alerting
