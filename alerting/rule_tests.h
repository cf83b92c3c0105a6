#pragma once
// Rule unit tests in promtool's format (`promtool test rules`), so that teams keep the tests they
// have: `rule_files`, `evaluation_interval`, and `tests` of `input_series` (expanding notation:
// "1+2x3", "0-1x2", "_", "stale", "5x3", "_x2"), `alert_rule_test` (`eval_time`, `alertname`,
// `exp_alerts` with `exp_labels` and `exp_annotations`) and `promql_expr_test` (`expr`,
// `eval_time`, `exp_samples`), with `external_labels` and `external_url` per test.
//
// The rules run as promtool runs them: over all input series at once, every evaluation_interval
// from 0, recording rules first and in file order, `for` and `keep_firing_for` counted at those
// evaluations, an alert's labels its sample's without __name__ plus the rule's (with the
// `severity` label as the file wrote it) and alertname. Only firing alerts are compared.

#include <iosfwd>
#include <string>
#include <vector>

#include "alerting/rule_file.h"
#include "config/diagnostic.h"

namespace vigil::alerting {

struct RuleTestSummary {
  int checks = 0;  // alert_rule_test and promql_expr_test entries run
  int failed = 0;
  std::vector<config::Diagnostic> problems;  // the test file's or a rule file's; nothing ran
  bool ok() const { return problems.empty() && failed == 0; }
};

// Runs the test file's tests; what failed, expected against got, goes to `report`.
RuleTestSummary RunRuleTests(const std::string& file, const RuleFileOptions& options,
                             std::ostream& report);

}  // namespace vigil::alerting
