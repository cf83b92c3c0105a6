#include "collector/store/incident_store.h"

#include "common/enum_names.h"

namespace vigil::collector {

namespace {

constexpr EnumNames<IncidentState, 3> kNames{{{IncidentState::kFiring, "firing"},
                                              {IncidentState::kAcknowledged, "acknowledged"},
                                              {IncidentState::kResolved, "resolved"}}};

}  // namespace

std::string_view IncidentStateName(IncidentState state) { return NameIn(kNames, state); }

std::optional<IncidentState> ParseIncidentState(std::string_view name) {
  return ValueIn(kNames, name);
}

}  // namespace vigil::collector
