#include "collector/sla/business_calendar.h"

#include <date/tz.h>

#include <algorithm>

#include "config/collector_config.h"

namespace vigil::collector {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;

// How far Add looks for business time before giving up.
constexpr int kHorizonDays = 3660;

const date::time_zone* FindZone(const std::string& name) {
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return nullptr;
  }
}

// The part of [span) not covered by `paused` (sorted, disjoint), appended to `out`.
void Subtract(Span span, const std::vector<Span>& paused, std::vector<Span>& out) {
  auto first = std::lower_bound(paused.begin(), paused.end(), span.first,
                                [](const Span& p, TimePoint t) { return p.second <= t; });
  TimePoint cursor = span.first;
  for (auto it = first; it != paused.end() && it->first < span.second; ++it) {
    if (it->first > cursor) out.push_back({cursor, it->first});
    cursor = std::max(cursor, it->second);
  }
  if (cursor < span.second) out.push_back({cursor, span.second});
}

}  // namespace

Result<BusinessCalendar> BusinessCalendar::Make(const CalendarSpec& spec) {
  BusinessCalendar calendar;
  calendar.zone_ = FindZone(spec.timezone);
  if (calendar.zone_ == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument, "unknown time zone \"" + spec.timezone + "\"");
  }
  bool any = false;
  for (std::size_t day = 0; day < 7; ++day) {
    std::vector<CalendarSpec::Window> windows = spec.week[day];
    std::sort(windows.begin(), windows.end(),
              [](const auto& a, const auto& b) { return a.start < b.start; });
    for (std::size_t i = 0; i < windows.size(); ++i) {
      const auto& w = windows[i];
      if (w.start < minutes(0) || w.end > minutes(24 * 60) || w.start >= w.end) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "a window must start before it ends, within the day");
      }
      if (i > 0 && w.start < windows[i - 1].end) {
        return MakeError(ErrorCode::kInvalidArgument, "windows of one day overlap");
      }
      any = true;
    }
    calendar.week_[day] = std::move(windows);
  }
  if (!any) return MakeError(ErrorCode::kInvalidArgument, "a calendar needs at least one window");
  calendar.holidays_ = spec.holidays;
  return calendar;
}

BusinessCalendar BusinessCalendar::Always() { return BusinessCalendar(); }

template <typename Visit>
void BusinessCalendar::ForEachSpan(TimePoint from, Visit visit) const {
  if (zone_ == nullptr) {
    visit(Span{from, TimePoint::max()});
    return;
  }
  const auto local = zone_->to_local(date::floor<milliseconds>(from));
  date::local_days day = date::floor<date::days>(local);
  for (int n = 0; n < kHorizonDays; ++n, day += date::days(1)) {
    const int serial = static_cast<int>(day.time_since_epoch().count());
    if (holidays_.count(serial) > 0) continue;
    const unsigned weekday = date::weekday(day).iso_encoding();  // 1 = Monday
    for (const CalendarSpec::Window& window : week_[weekday - 1]) {
      // A start in a skipped hour is the moment the clocks jump (earliest and latest agree); an
      // end in a repeated hour is its second occurrence.
      const TimePoint start = zone_->to_sys(day + window.start, date::choose::earliest);
      const TimePoint end = zone_->to_sys(day + window.end, date::choose::latest);
      if (end <= from || end <= start) continue;
      if (!visit(Span{std::max(start, from), end})) return;
    }
  }
}

milliseconds BusinessCalendar::Elapsed(TimePoint from, TimePoint to,
                                       const std::vector<Span>& paused) const {
  milliseconds total{0};
  if (to <= from) return total;
  std::vector<Span> pieces;
  ForEachSpan(from, [&](Span span) {
    if (span.first >= to) return false;
    span.second = std::min(span.second, to);
    pieces.clear();
    Subtract(span, paused, pieces);
    for (const Span& piece : pieces) {
      total += std::chrono::duration_cast<milliseconds>(piece.second - piece.first);
    }
    return span.second < to;
  });
  return total;
}

std::optional<TimePoint> BusinessCalendar::Add(TimePoint from, milliseconds amount,
                                               const std::vector<Span>& paused) const {
  if (amount.count() <= 0) return from;
  std::optional<TimePoint> due;
  milliseconds left = amount;
  std::vector<Span> pieces;
  ForEachSpan(from, [&](Span span) {
    pieces.clear();
    Subtract(span, paused, pieces);
    for (const Span& piece : pieces) {
      if (piece.second == TimePoint::max() && piece.first != TimePoint::max()) {
        due = piece.first + left;  // always open: the rest lies in this piece
        return false;
      }
      const auto length = std::chrono::duration_cast<milliseconds>(piece.second - piece.first);
      if (left <= length) {
        due = piece.first + left;
        return false;
      }
      left -= length;
    }
    return true;
  });
  return due;
}

Result<CalendarSpec::Window> ParseWindow(std::string_view text) {
  const auto window = config::ParseDayWindow(text);
  if (!window) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "expected a window like \"09:00-18:00\" that ends after it "
                     "starts, got \"" +
                         std::string(text) + "\"");
  }
  return CalendarSpec::Window{minutes(window->first), minutes(window->second)};
}

Result<int> ParseLocalDate(std::string_view text) {
  const auto date = config::ParseCalendarDate(text);
  if (!date) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "expected a date like 2026-12-25, got \"" + std::string(text) + "\"");
  }
  return static_cast<int>(std::chrono::sys_days(*date).time_since_epoch().count());
}

bool IsKnownTimeZone(const std::string& name) { return FindZone(name) != nullptr; }

}  // namespace vigil::collector
