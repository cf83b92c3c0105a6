#pragma once
// The contract SLAs as the collector uses them: calendars built, and per customer the policy with
// its targets. Built from collector.yaml's `sla` section; --check-config reports unknown time
// zones here (the config reader has no tz database).

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "collector/sla/business_calendar.h"
#include "common/units.h"
#include "config/collector_config.h"

namespace vigil::collector {

struct SlaTarget {
  std::string kind;      // incident, fault, consultation, complaint
  std::string severity;  // empty: every severity
  Duration response{0};
  Duration resolution{0};
  std::string calendar_name;
  std::shared_ptr<const BusinessCalendar> calendar;
};

struct SlaPolicy {
  std::string customer;  // "*": the default
  std::string calendar_name;
  std::set<std::string> pause_statuses;
  double at_risk = 0.8;
  std::vector<SlaTarget> targets;

  // The target for an item: the one for its kind and severity, else its kind's severity-less one.
  const SlaTarget* TargetFor(const std::string& kind, const std::string& severity) const;
};

struct SlaSetup {
  std::vector<SlaPolicy> policies;
  // The customer's policy, else the "*" policy, else none.
  const SlaPolicy* PolicyFor(const std::string& customer) const;
};

config::Loaded<SlaSetup> LoadSlaSetup(const config::CollectorConfig& config);

}  // namespace vigil::collector
