#pragma once
// Rule files (YAML), in either of two formats, one per file:
// - Vigil's: `rules: [{name, expr, for, keep_firing_for, severity, labels, annotations}]`;
// - Prometheus's: `groups: [{name, interval, rules: [{alert | record, expr, for, keep_firing_for,
//   labels, annotations}]}]`, where the `severity` label names the severity (RuleFileOptions) and
//   an alert name may repeat (each rule then gets its own key, NAME#2, NAME#3, ...); recording
//   rules (`record:`) write series that other rules select.
// Every problem is reported as FILE:LINE:COL: key.path: message; a problem inside an expression
// points at the offending character of it.

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "alerting/rule.h"
#include "config/diagnostic.h"

namespace vigil::alerting {

struct RuleSet {
  std::string source_file;         // the first file read, for messages
  std::vector<std::string> files;  // every file read, in order
  std::vector<Rule> rules;
  std::vector<RecordingRule> recording;  // in file order, which is the order they run in
};

// Prometheus's usual words for the `severity` label: critical; error, high; warning, medium;
// info, low.
std::map<std::string, Severity> DefaultSeverityLabels();

struct RuleFileOptions {
  // What each value of the `severity` label of a Prometheus-format alerting rule means; a rule
  // without that label is medium, one with another value a configuration error.
  std::map<std::string, Severity> severity_labels = DefaultSeverityLabels();
  // What annotation templates see as $externalLabels and $externalURL.
  std::shared_ptr<const TemplateGlobals> globals;
};

// Most rules one collector loads (over all files), so a runaway generator cannot exhaust memory.
inline constexpr std::size_t kMaxRules = 20000;

// Names reserved for the collector's built-in rules.
inline const std::vector<std::string> kBuiltinRuleNames = {"AgentDown", "AgentStopped",
                                                           "ProbeFailing"};

// Reads every file that the glob `patterns` (absolute) match, in sorted order. A pattern without
// wildcards must name an existing file; a wildcard pattern may match nothing.
config::Loaded<RuleSet> LoadRuleFiles(const std::vector<std::string>& patterns,
                                      const RuleFileOptions& options = {});

// One file's text; `file` names it in diagnostics.
config::Loaded<RuleSet> ParseRuleFile(std::string_view text, const std::string& file,
                                      const RuleFileOptions& options = {});

// Whether `name` may name a rule: 1 to 128 letters, digits, '_', '-', ':' or '.'.
bool IsValidRuleName(std::string_view name);

}  // namespace vigil::alerting
