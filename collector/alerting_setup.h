#pragma once
// What collector.yaml points at for alerting, read and checked: the rule files' rules, the
// notification settings with their secrets, and the SLA calendars in their time zones.
// --check-config, start-up and SIGHUP all go through this, so they accept and refuse the same
// things.

#include <vector>

#include "alerting/notify_config.h"
#include "alerting/rule.h"
#include "collector/sla/sla_policy.h"
#include "config/collector_config.h"

namespace vigil::collector {

struct AlertingSetup {
  alerting::FileRules rules;  // from the rule files (the built-ins come from the config)
  alerting::NotifyConfig notify;
  SlaSetup sla;
};

config::Loaded<AlertingSetup> LoadAlertingSetup(const config::CollectorConfig& config);

}  // namespace vigil::collector
