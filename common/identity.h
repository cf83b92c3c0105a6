#pragma once
// Rules for what identifies an agent, shared by the agent's configuration check and the
// collector's Hello check, so both sides accept exactly the same things.

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace vigil {

inline constexpr std::size_t kMaxAgentIdLength = 128;
inline constexpr std::size_t kMaxAgentLabels = 32;
inline constexpr std::size_t kMaxAgentLabelValueBytes = 1024;

// 1 to max_length characters of letters, digits, '.', '_' or '-': the rule for every name an
// operator gives (agent ids, customers, probes), safe in labels, paths and logs.
bool IsSimpleName(const std::string& name, std::size_t max_length);

// IsSimpleName with kMaxAgentIdLength.
inline bool IsValidAgentId(const std::string& id) { return IsSimpleName(id, kMaxAgentIdLength); }

// Empty when `name` may be an agent label; otherwise why not (invalid name, reserved, ...).
std::string CheckAgentLabelName(const std::string& name);

// Empty when `labels` may be an agent's labels: at most kMaxAgentLabels, each name allowed
// (CheckAgentLabelName) and given once, each value at most kMaxAgentLabelValueBytes; otherwise the
// first problem, naming the label.
std::string CheckAgentLabels(const std::vector<std::pair<std::string, std::string>>& labels);

// The labels CheckAgentLabels would accept, taken from `labels` in order: the first of a name
// wins, what is not allowed is left out. For label sets that were stored before they were checked.
std::vector<std::pair<std::string, std::string>> UsableAgentLabels(
    const std::vector<std::pair<std::string, std::string>>& labels);

}  // namespace vigil
