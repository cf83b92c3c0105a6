#pragma once
// The state of one (rule, series) alert: inactive, pending (its condition holds, for less than the
// rule's `for`) or firing. The names are part of the API (GET /api/v1/rules) and the store.

#include <string_view>

namespace vigil::alerting {

enum class AlertState { kInactive, kPending, kFiring };
std::string_view AlertStateName(AlertState state);

}  // namespace vigil::alerting
