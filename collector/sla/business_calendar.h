#pragma once
// Business time: the hours of a week in a time zone, less holidays, and arithmetic on it — how much
// business time lies between two instants (Elapsed) and when a given amount of it has passed
// (Add), optionally leaving out paused spans. Local times are turned into instants with Howard
// Hinnant's date/tz on the system's tz database, so DST changes are exact: a window that starts in
// a skipped local hour starts when the clocks jump; one that ends in a repeated hour ends at its
// second occurrence. Immutable and thread-safe once made.

#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"

namespace date {
class time_zone;
}

namespace vigil::collector {

using TimePoint = std::chrono::system_clock::time_point;
using Span = std::pair<TimePoint, TimePoint>;  // [first, second)

struct CalendarSpec {
  struct Window {
    std::chrono::minutes start{0};  // from local midnight
    std::chrono::minutes end{0};    // after start, at most 24h
  };
  std::string timezone = "UTC";
  std::array<std::vector<Window>, 7> week;  // Monday first
  std::set<int> holidays;                   // local dates as days since 1970-01-01
};

class BusinessCalendar {
 public:
  // Error "calendar" naming what is wrong: an unknown zone, a window out of a day's range, windows
  // that overlap, or no window at all.
  static Result<BusinessCalendar> Make(const CalendarSpec& spec);
  // Every hour of every day, the "24x7" calendar.
  static BusinessCalendar Always();

  // Business time in [from, to), less the `paused` spans (sorted, not overlapping).
  std::chrono::milliseconds Elapsed(TimePoint from, TimePoint to,
                                    const std::vector<Span>& paused = {}) const;
  // The instant at which `amount` of business time (less `paused`) has passed since `from`.
  // nullopt when it is not reached within ten years (a pause without end, say).
  std::optional<TimePoint> Add(TimePoint from, std::chrono::milliseconds amount,
                               const std::vector<Span>& paused = {}) const;

  bool always_open() const { return zone_ == nullptr; }

 private:
  BusinessCalendar() = default;
  // The business spans of the local day containing `t`, and of the days after, in order, until
  // `visit` returns false.
  template <typename Visit>
  void ForEachSpan(TimePoint from, Visit visit) const;

  const date::time_zone* zone_ = nullptr;  // null: always open
  std::array<std::vector<CalendarSpec::Window>, 7> week_;
  std::set<int> holidays_;
};

// "09:00-18:00" to a window. Error "calendar" saying what is wrong.
Result<CalendarSpec::Window> ParseWindow(std::string_view text);
// "2026-12-25" to days since 1970-01-01.
Result<int> ParseLocalDate(std::string_view text);
// Whether the system's tz database knows `name`.
bool IsKnownTimeZone(const std::string& name);

}  // namespace vigil::collector
