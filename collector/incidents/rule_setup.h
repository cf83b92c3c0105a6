#pragma once
// The rules a collector evaluates: its built-in rules as collector.yaml tunes them, and the rule
// files' rules.

#include <functional>
#include <optional>
#include <vector>

#include "alerting/rule.h"
#include "alerting/rule_file.h"
#include "config/collector_config.h"

namespace vigil::collector {

// Decides a ProbeFailing alert's severity from its labels (the probe's own, when it sets one).
using ProbeSeverity = std::function<std::optional<Severity>(const alerting::Labels&)>;

// The enabled built-ins: AgentDown, AgentStopped (conditions set by the collector) and
// ProbeFailing (vigil_probe_success == 0).
std::vector<alerting::Rule> BuiltinRules(const config::CollectorConfig::BuiltinRules& config,
                                         ProbeSeverity probe_severity);

// How collector.yaml has the rule files read: its severity words, external labels and URL.
alerting::RuleFileOptions RuleFileOptionsFrom(const config::CollectorConfig& config);

// The rule files' rules, with every problem located; --check-config prints them.
config::Loaded<alerting::FileRules> LoadRuleFiles(const config::CollectorConfig& config);

}  // namespace vigil::collector
