// Rule unit tests in promtool's format give the same verdict under Debian's promtool and under
// `vigil-collector rules test`: the project's own community-style host rules
// (tests/rules/host_rules.yaml: a recording rule, joins on instance with node_uname_info,
// predict_linear, one alert name per severity, keep_firing_for, Go templates) pass both, and the
// same tests with one expectation changed fail both.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace vigil::testing {
namespace {

const std::string kRules = VIGIL_SOURCE_DIR "/tests/rules/host_rules.yaml";
const std::string kTests = VIGIL_SOURCE_DIR "/tests/rules/host_rules_test.yaml";

CommandResult Promtool(const std::string& tests) {
  return RunCommand({"promtool", "test", "rules", tests});
}
CommandResult Vigil(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {VIGIL_COLLECTOR_BINARY, "--config",
                                   "/nonexistent/collector.yaml", "rules"};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv);
}

// The test file with `from` replaced by `to`, beside a copy of the rules.
std::string Changed(const TempDir& dir, const std::string& from, const std::string& to) {
  std::string text = ReadFile(kTests);
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  dir.Write("host_rules.yaml", ReadFile(kRules));
  return dir.Write("host_rules_test.yaml", text);
}

TEST(RuleTests, TheHostRulesPassUnderPromtoolAndUnderVigil) {
  const CommandResult promtool = Promtool(kTests);
  EXPECT_EQ(promtool.exit_code, 0) << promtool.out << promtool.err;
  const CommandResult vigil = Vigil({"test", kTests});
  EXPECT_EQ(vigil.exit_code, 0) << vigil.out << vigil.err;
  EXPECT_THAT(vigil.out, ::testing::HasSubstr("14 of 14 checks passed"));
}

TEST(RuleTests, AWrongExpectationFailsUnderBoth) {
  const std::pair<std::string, std::string> changes[] = {
      // An annotation's text.
      {"summary: \"web-01.example: 3.0% memory available\"",
       "summary: \"web-01.example: 3% memory available\""},
      // keep_firing_for: still firing three evaluations after it cleared? No: resolved.
      {"      - eval_time: 6m\n        alertname: HostClockSkew\n        exp_alerts: []",
       "      - eval_time: 6m\n        alertname: HostClockSkew\n        exp_alerts:\n"
       "          - exp_labels: {severity: info, instance: \"db-01:9100\"}\n"
       "            exp_annotations: {summary: \"db-01:9100 is 200ms off\"}"},
      // The critical twin of an alert name.
      {"severity: critical, instance: \"web-01:9100\"",
       "severity: warning, instance: \"web-01:9100\""},
  };
  for (const auto& [from, to] : changes) {
    TempDir dir;
    const std::string tests = Changed(dir, from, to);
    EXPECT_EQ(Promtool(tests).exit_code, 1) << from;
    const CommandResult vigil = Vigil({"test", tests});
    EXPECT_EQ(vigil.exit_code, 1) << from << "\n" << vigil.out << vigil.err;
    EXPECT_THAT(vigil.out, ::testing::HasSubstr("FAILED")) << from;
  }
}

TEST(RuleTests, CheckExplainsEachMistakeWhereItIs) {
  const CommandResult good = Vigil({"check", kRules});
  EXPECT_EQ(good.exit_code, 0) << good.err;
  EXPECT_THAT(good.out, ::testing::HasSubstr("5 alerting rules, 1 recording rules"));
  TempDir dir;
  const std::string bad = dir.Write("bad.yaml",
                                    "groups:\n"
                                    "  - name: g\n"
                                    "    rules:\n"
                                    "      - alert: A\n"
                                    "        expr: rate(x[5m]) >\n"
                                    "        annotations: {summary: '{{ humanise $value }}'}\n");
  const CommandResult checked = Vigil({"check", bad});
  EXPECT_EQ(checked.exit_code, 2);
  EXPECT_THAT(checked.err, ::testing::HasSubstr(bad + ":5:"));
  EXPECT_THAT(checked.err, ::testing::HasSubstr(bad + ":6:36: groups[0].rules[0].annotations."
                                                      "summary: unknown function \"humanise\""));
}

}  // namespace
}  // namespace vigil::testing
