#include "alerting/alert_state.h"

#include "common/enum_names.h"

namespace vigil::alerting {

std::string_view AlertStateName(AlertState state) {
  static constexpr EnumNames<AlertState, 3> kNames{{{AlertState::kInactive, "inactive"},
                                                    {AlertState::kPending, "pending"},
                                                    {AlertState::kFiring, "firing"}}};
  return NameIn(kNames, state);
}

}  // namespace vigil::alerting
