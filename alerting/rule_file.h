#pragma once
// Rule files (YAML): `rules: [{name, expr, for, keep_firing_for, severity, labels, annotations}]`.
// Every problem is reported as FILE:LINE:COL: key.path: message; a problem inside an expression
// points at the offending character of it.

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
};

// Most rules one collector loads (over all files), so a runaway generator cannot exhaust memory.
inline constexpr std::size_t kMaxRules = 20000;

// Names reserved for the collector's built-in rules.
inline const std::vector<std::string> kBuiltinRuleNames = {"AgentDown", "AgentStopped",
                                                           "ProbeFailing"};

// Reads every file that the glob `patterns` (absolute) match, in sorted order. A pattern without
// wildcards must name an existing file; a wildcard pattern may match nothing.
config::Loaded<RuleSet> LoadRuleFiles(const std::vector<std::string>& patterns);

// One file's text; `file` names it in diagnostics.
config::Loaded<RuleSet> ParseRuleFile(std::string_view text, const std::string& file);

// Whether `name` may name a rule: 1 to 128 letters, digits, '_', '-', ':' or '.'.
bool IsValidRuleName(std::string_view name);

}  // namespace vigil::alerting
