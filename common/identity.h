#pragma once
// Rules for what identifies an agent, shared by the agent's configuration check and the
// collector's Hello check, so both sides accept exactly the same things.

#include <cstddef>
#include <string>

namespace vigil {

inline constexpr std::size_t kMaxAgentIdLength = 128;
inline constexpr std::size_t kMaxAgentLabels = 32;
inline constexpr std::size_t kMaxAgentLabelValueBytes = 1024;

// 1 to kMaxAgentIdLength characters of letters, digits, '.', '_' or '-'.
bool IsValidAgentId(const std::string& id);

// Empty when `name` may be an agent label; otherwise why not (invalid name, reserved, ...).
std::string CheckAgentLabelName(const std::string& name);

}  // namespace vigil
