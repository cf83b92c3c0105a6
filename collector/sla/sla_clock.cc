#include "collector/sla/sla_clock.h"

#include <algorithm>

namespace vigil::collector {
namespace {

using std::chrono::milliseconds;

milliseconds PausedWithin(const std::vector<Span>& paused, TimePoint from, TimePoint to) {
  milliseconds total{0};
  for (const Span& span : paused) {
    const TimePoint start = std::max(span.first, from);
    const TimePoint end = std::min(span.second, to);
    if (start < end) total += std::chrono::duration_cast<milliseconds>(end - start);
  }
  return total;
}

struct Clock {
  std::optional<TimePoint> due;
  milliseconds business{0};
  milliseconds wall{0};
  std::optional<bool> met;
  double used = 0;
};

Clock Measure(const SlaInputs& item, const BusinessCalendar& calendar, Duration target,
              const std::optional<TimePoint>& done, TimePoint as_of) {
  Clock clock;
  clock.due = calendar.Add(item.opened, target, item.paused);
  const TimePoint end = done ? *done : std::max(item.opened, as_of);
  clock.business = calendar.Elapsed(item.opened, end, item.paused);
  clock.wall = std::chrono::duration_cast<milliseconds>(end - item.opened);
  if (done) {
    clock.met = clock.due && *done <= *clock.due;
  } else if (clock.due && *clock.due < as_of) {
    clock.met = false;
  }
  clock.used = target.count() > 0 ? static_cast<double>(clock.business.count()) /
                                        static_cast<double>(target.count())
                                  : 1.0;
  return clock;
}

}  // namespace

SlaFigures ComputeSla(const SlaInputs& item, const SlaTarget& target, TimePoint as_of) {
  const BusinessCalendar& calendar = *target.calendar;
  SlaFigures figures;
  const Clock response = Measure(item, calendar, target.response, item.responded, as_of);
  const Clock resolution = Measure(item, calendar, target.resolution, item.resolved, as_of);
  figures.response_due = response.due;
  figures.response_business = response.business;
  figures.response_wall = response.wall;
  figures.response_met = response.met;
  figures.response_used = response.used;
  figures.resolution_due = resolution.due;
  figures.resolution_business = resolution.business;
  figures.resolution_wall = resolution.wall;
  figures.resolution_met = resolution.met;
  figures.resolution_used = resolution.used;
  const TimePoint end = item.resolved ? *item.resolved : std::max(item.opened, as_of);
  figures.paused = PausedWithin(item.paused, item.opened, end);
  figures.paused_now = !item.resolved && !item.paused.empty() &&
                       item.paused.back().first <= as_of && as_of < item.paused.back().second;
  return figures;
}

}  // namespace vigil::collector
