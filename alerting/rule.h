#pragma once
// A compiled alerting rule: what it watches, how long the condition must hold before it fires
// (`for`), how long it keeps firing once the condition clears (`keep_firing_for`), and what the
// incident it opens carries.

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "alerting/expr.h"
#include "alerting/labels.h"
#include "alerting/template.h"
#include "common/severity.h"

namespace vigil::alerting {

using TimePoint = std::chrono::system_clock::time_point;

struct Rule {
  std::string name;
  // Absent for built-in rules, whose condition the collector sets (RuleEngine::SetCondition).
  std::optional<Expr> expr;
  // For built-in rules, what the condition is, in words.
  std::string description;
  Duration for_duration{0};
  Duration keep_firing_for{0};
  Severity severity = Severity::kHigh;
  // When set, decides each alert's severity from its labels when it becomes active (nullopt:
  // `severity`), e.g. a probe's own severity for the built-in ProbeFailing.
  std::function<std::optional<Severity>(const Labels&)> severity_of;
  Labels labels;  // added to (and overriding) the series' labels
  std::vector<std::pair<std::string, Template>> annotations;
  bool builtin = false;
  std::string origin;  // where it was defined, "FILE:LINE", for messages

  // The expression's text, or the description of a built-in.
  std::string ExprText() const { return expr ? expr->ToString() : description; }
};

}  // namespace vigil::alerting
