#pragma once
// A compiled alerting rule: what it watches, how long the condition must hold before it fires
// (`for`), how long it keeps firing once the condition clears (`keep_firing_for`), and what the
// incident it opens carries.

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "alerting/expr.h"
#include "alerting/labels.h"
#include "alerting/promql/ast.h"
#include "alerting/template.h"
#include "common/severity.h"

namespace vigil::alerting {

using TimePoint = std::chrono::system_clock::time_point;

struct Rule {
  std::string name;  // the alert's name (alertname)
  // Identifies the rule among those loaded, where its name alone does not: alerts, their saved
  // states and incident fingerprints are the key's. Empty: the name.
  std::string key;
  std::string group;  // a Prometheus-format rule's group
  // One selector compared with a number, evaluated per series. Absent for built-in rules, whose
  // condition the collector sets (RuleEngine::SetCondition), and for PromQL rules.
  std::optional<Expr> expr;
  // Any other PromQL expression giving an instant vector (alerting/promql_rules.h): each sample
  // of its result is an alert whose condition holds.
  std::shared_ptr<const promql::Node> query;
  // A PromQL rule that needs several agents' series (IsFleetQuery in alerting/promql_rules.h):
  // evaluated every `interval` (its group's, else a minute) over every agent's series.
  bool fleet = false;
  Duration interval{std::chrono::minutes(1)};
  // For built-in rules, what the condition is, in words.
  std::string description;
  Duration for_duration{0};
  Duration keep_firing_for{0};
  Severity severity = Severity::kHigh;
  // A Prometheus-format rule's `severity` label as the file wrote it (`warning`), which
  // `rules test` compares with exp_labels; empty otherwise.
  std::string severity_label;
  // When set, decides each alert's severity from its labels when it becomes active (nullopt:
  // `severity`), e.g. a probe's own severity for the built-in ProbeFailing.
  std::function<std::optional<Severity>(const Labels&)> severity_of;
  Labels labels;  // added to (and overriding) the series' labels
  std::vector<std::pair<std::string, Template>> annotations;
  bool builtin = false;
  std::string origin;  // where it was defined, "FILE:LINE", for messages

  const std::string& Key() const { return key.empty() ? name : key; }

  // The expression's text, or the description of a built-in.
  std::string ExprText() const {
    if (expr) return expr->ToString();
    return query ? promql::Format(*query) : description;
  }
};

// A Prometheus recording rule: its expression's result, named `record`, becomes series of the
// agent whose snapshot it was evaluated on.
struct RecordingRule {
  std::string record;  // the metric name it writes
  std::shared_ptr<const promql::Node> query;
  Labels labels;       // added to (and overriding) each result's labels
  std::string group;   // its group's name
  std::string origin;  // "FILE:LINE"
};

// What the rule files hold.
struct FileRules {
  std::vector<Rule> alerting;
  std::vector<RecordingRule> recording;
};

}  // namespace vigil::alerting
