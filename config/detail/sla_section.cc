#include "config/detail/sla_section.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <set>

#include "common/identity.h"

namespace vigil::config {
namespace {

using Sla = CollectorConfig::Sla;

constexpr const char* kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

void ReadCalendar(const std::string& name, const Field& field, Sla::Calendar& calendar) {
  calendar.name = name;
  calendar.where = {field.file(), field.mark().line + 1, field.mark().column + 1, field.path(), ""};
  if (!field.ExpectMap({"timezone", "hours", "holidays"})) return;
  if (name == "24x7") field.Report("24x7 is built in and cannot be redefined");
  if (!IsSimpleName(name, 64)) field.Report("a calendar name is 1 to 64 letters, digits, . _ -");
  field["timezone"].Require();
  field["timezone"].Read(calendar.timezone);
  const Field hours = field["hours"];
  hours.Require();
  if (hours.ExpectMap({"mon", "tue", "wed", "thu", "fri", "sat", "sun"})) {
    for (std::size_t day = 0; day < 7; ++day) {
      std::vector<std::pair<int, int>> windows;
      for (const Field& element : hours[kDays[day]].Elements(/*allow_scalar=*/true)) {
        std::string text;
        if (!element.Read(text)) continue;
        const std::optional<std::pair<int, int>> window = ParseDayWindow(text);
        if (!window) {
          element.Report(
              "expected a window like \"09:00-18:00\" (one that does not cross "
              "midnight, and ends after it starts), got \"" +
              text + "\"");
          continue;
        }
        const auto [start, end] = *window;
        for (const auto& [other_start, other_end] : windows) {
          if (start < other_end && other_start < end) {
            element.Report("the window \"" + text + "\" overlaps another of the same day");
          }
        }
        windows.emplace_back(start, end);
        calendar.hours[day].push_back(text);
      }
    }
  }
  for (const Field& element : field["holidays"].Elements()) {
    std::string text;
    if (!element.Read(text)) continue;
    if (!ParseCalendarDate(text)) {
      element.Report("expected a date like 2026-12-25, got \"" + text + "\"");
      continue;
    }
    calendar.holidays.push_back(text);
  }
}

void ReadTarget(const Field& field, Sla::Target& target, const std::set<std::string>& calendars,
                std::set<std::pair<std::string, std::string>>& seen) {
  if (!field.ExpectMap({"kind", "severity", "response", "resolution", "calendar"})) return;
  field["kind"].Require();
  if (field["kind"].Read(target.kind) && target.kind != "incident" && target.kind != "fault" &&
      target.kind != "consultation" && target.kind != "complaint") {
    field["kind"].Report("expected incident, fault, consultation or complaint, got \"" +
                         target.kind + "\"");
  }
  field["severity"].ReadSeverity(target.severity);
  field["response"].Require();
  field["response"].ReadDuration(target.response, std::chrono::seconds(1));
  field["resolution"].Require();
  field["resolution"].ReadDuration(target.resolution, std::chrono::seconds(1));
  if (target.resolution < target.response) {
    field["resolution"].Report("is shorter than the response target");
  }
  if (field["calendar"].Read(target.calendar) && target.calendar != "24x7" &&
      calendars.count(target.calendar) == 0) {
    field["calendar"].Report("no calendar is named \"" + target.calendar + "\"");
  }
  if (!seen.insert({target.kind, target.severity}).second) {
    field.Report("another target of this policy is for " + target.kind +
                 (target.severity.empty() ? " of every severity" : ", " + target.severity));
  }
}

void ReadPolicy(const Field& field, Sla::Policy& policy, const std::set<std::string>& calendars,
                std::set<std::string>& customers) {
  if (!field.ExpectMap({"customer", "calendar", "pause_statuses", "at_risk", "targets"})) return;
  field["customer"].Require();
  if (field["customer"].Read(policy.customer)) {
    if (policy.customer != "*" && !IsSimpleName(policy.customer, 64)) {
      field["customer"].Report("a customer name, or \"*\" for the default policy");
    } else if (!customers.insert(policy.customer).second) {
      field["customer"].Report("another policy is for \"" + policy.customer + "\"");
    }
  }
  if (field["calendar"].Read(policy.calendar) && policy.calendar != "24x7" &&
      calendars.count(policy.calendar) == 0) {
    field["calendar"].Report("no calendar is named \"" + policy.calendar + "\"");
  }
  for (const Field& element : field["pause_statuses"].Elements()) {
    std::string status;
    if (!element.Read(status)) continue;
    if (status != "new" && status != "assigned" && status != "in_progress" &&
        status != "pending_customer") {
      element.Report(
          "expected a status of an open report (new, assigned, in_progress, "
          "pending_customer), got \"" +
          status + "\"");
      continue;
    }
    policy.pause_statuses.push_back(status);
  }
  std::string at_risk;
  if (field["at_risk"].Read(at_risk)) {
    double value = 0;
    auto [ptr, ec] = std::from_chars(at_risk.data(), at_risk.data() + at_risk.size(), value);
    if (ec != std::errc() || ptr != at_risk.data() + at_risk.size() || value <= 0 || value > 1) {
      field["at_risk"].Report("expected a share above 0 and at most 1, like 0.8");
    } else {
      policy.at_risk = value;
    }
  }
  std::set<std::pair<std::string, std::string>> seen;
  for (const Field& element : field["targets"].Elements()) {
    Sla::Target target;
    ReadTarget(element, target, calendars, seen);
    policy.targets.push_back(std::move(target));
  }
}

// Minutes since midnight of "HH:MM" (up to 24:00), or -1.
int Clock(std::string_view text) {
  int hours = 0;
  int minutes = 0;
  if (text.size() != 5 || text[2] != ':' ||
      std::from_chars(text.data(), text.data() + 2, hours).ptr != text.data() + 2 ||
      std::from_chars(text.data() + 3, text.data() + 5, minutes).ptr != text.data() + 5 ||
      hours > 24 || minutes > 59 || (hours == 24 && minutes != 0)) {
    return -1;
  }
  return hours * 60 + minutes;
}

}  // namespace

std::optional<std::pair<int, int>> ParseDayWindow(std::string_view text) {
  const std::size_t dash = text.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  const int start = Clock(text.substr(0, dash));
  const int end = Clock(text.substr(dash + 1));
  if (start < 0 || end < 0 || start >= end) return std::nullopt;
  return std::make_pair(start, end);
}

std::optional<std::chrono::year_month_day> ParseCalendarDate(std::string_view text) {
  int y = 0;
  unsigned m = 0;
  unsigned d = 0;
  const char* p = text.data();
  const bool shaped = text.size() == 10 && text[4] == '-' && text[7] == '-' &&
                      std::from_chars(p, p + 4, y).ptr == p + 4 &&
                      std::from_chars(p + 5, p + 7, m).ptr == p + 7 &&
                      std::from_chars(p + 8, p + 10, d).ptr == p + 10;
  const std::chrono::year_month_day date{std::chrono::year(y), std::chrono::month(m),
                                         std::chrono::day(d)};
  if (!shaped || !date.ok()) return std::nullopt;
  return date;
}

void ReadSlaSection(const Field& section, Sla& sla) {
  if (!section.ExpectMap({"calendars", "policies", "check_interval"})) return;
  section["check_interval"].ReadDuration(sla.check_interval, std::chrono::milliseconds(100));
  std::set<std::string> names;
  for (auto& [name, field] : section["calendars"].Entries()) {
    Sla::Calendar calendar;
    ReadCalendar(name, field, calendar);
    names.insert(name);
    sla.calendars.push_back(std::move(calendar));
  }
  std::set<std::string> customers;
  for (const Field& element : section["policies"].Elements()) {
    Sla::Policy policy;
    ReadPolicy(element, policy, names, customers);
    sla.policies.push_back(std::move(policy));
  }
}

}  // namespace vigil::config
