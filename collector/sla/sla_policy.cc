#include "collector/sla/sla_policy.h"

namespace vigil::collector {

const SlaTarget* SlaPolicy::TargetFor(const std::string& kind, const std::string& severity) const {
  const SlaTarget* any_severity = nullptr;
  for (const SlaTarget& target : targets) {
    if (target.kind != kind) continue;
    if (target.severity == severity) return &target;
    if (target.severity.empty()) any_severity = &target;
  }
  return any_severity;
}

const SlaPolicy* SlaSetup::PolicyFor(const std::string& customer) const {
  const SlaPolicy* fallback = nullptr;
  for (const SlaPolicy& policy : policies) {
    if (policy.customer == customer) return &policy;
    if (policy.customer == "*") fallback = &policy;
  }
  return fallback;
}

config::Loaded<SlaSetup> LoadSlaSetup(const config::CollectorConfig& config) {
  config::Loaded<SlaSetup> loaded;
  std::map<std::string, std::shared_ptr<const BusinessCalendar>> calendars;
  calendars["24x7"] = std::make_shared<const BusinessCalendar>(BusinessCalendar::Always());
  for (const auto& source : config.sla.calendars) {
    CalendarSpec spec;
    spec.timezone = source.timezone;
    for (std::size_t day = 0; day < 7; ++day) {
      for (const std::string& text : source.hours[day]) {
        if (auto window = ParseWindow(text)) spec.week[day].push_back(*window);
      }
    }
    for (const std::string& text : source.holidays) {
      if (auto date = ParseLocalDate(text)) spec.holidays.insert(*date);
    }
    auto calendar = BusinessCalendar::Make(spec);
    if (!calendar) {
      config::Diagnostic problem = source.where;
      problem.message = calendar.error().message;
      loaded.problems.push_back(std::move(problem));
      continue;
    }
    calendars[source.name] = std::make_shared<const BusinessCalendar>(std::move(*calendar));
  }
  const auto find = [&calendars](const std::string& name) {
    auto it = calendars.find(name);
    return it == calendars.end() ? nullptr : it->second;
  };
  for (const auto& source : config.sla.policies) {
    SlaPolicy policy;
    policy.customer = source.customer;
    policy.calendar_name = source.calendar;
    policy.pause_statuses.insert(source.pause_statuses.begin(), source.pause_statuses.end());
    policy.at_risk = source.at_risk;
    for (const auto& from : source.targets) {
      SlaTarget target;
      target.kind = from.kind;
      target.severity = from.severity;
      target.response = from.response;
      target.resolution = from.resolution;
      target.calendar_name = from.calendar.empty() ? source.calendar : from.calendar;
      target.calendar = find(target.calendar_name);
      if (target.calendar == nullptr) continue;  // its calendar was refused above
      policy.targets.push_back(std::move(target));
    }
    loaded.config.policies.push_back(std::move(policy));
  }
  return loaded;
}

}  // namespace vigil::collector
