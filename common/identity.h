#pragma once
// Rules for what identifies an agent, shared by the agent's configuration check and the
// collector's Hello check, so both sides accept exactly the same things.

#include <cstddef>
#include <string>

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

}  // namespace vigil
