#pragma once
// One item's figures against its SLA target (docs/sla.md): when its response and resolution are
// due, how much business and wall time each took (or has taken so far), how long it was paused,
// and whether each target was met. Pure: the item's times and the target in, figures out.

#include <chrono>
#include <optional>
#include <vector>

#include "collector/sla/business_calendar.h"
#include "collector/sla/sla_policy.h"

namespace vigil::collector {

struct SlaInputs {
  TimePoint opened;
  std::optional<TimePoint> responded;
  std::optional<TimePoint> resolved;
  std::vector<Span> paused;  // sorted, not overlapping; the last may end at TimePoint::max()
};

struct SlaFigures {
  std::optional<TimePoint> response_due;  // nullopt while a pause without end holds it
  std::optional<TimePoint> resolution_due;
  std::chrono::milliseconds response_business{0};  // up to the response, or as_of
  std::chrono::milliseconds resolution_business{0};
  std::chrono::milliseconds response_wall{0};
  std::chrono::milliseconds resolution_wall{0};
  std::chrono::milliseconds paused{0};  // wall time paused, from opening to resolution or as_of
  // Decided once the event happened, or once its due passed before as_of; nullopt until then.
  std::optional<bool> response_met;
  std::optional<bool> resolution_met;
  bool paused_now = false;
  // Share of each target used by as_of (or by the event), for "at risk".
  double response_used = 0;
  double resolution_used = 0;
};

// `as_of` is the moment the figures are taken at (a report's end, or now).
SlaFigures ComputeSla(const SlaInputs& item, const SlaTarget& target, TimePoint as_of);

}  // namespace vigil::collector
