#include "collector/alerting_setup.h"

#include "collector/incidents/rule_setup.h"
#include "collector/notify/notify_setup.h"

namespace vigil::collector {

config::Loaded<AlertingSetup> LoadAlertingSetup(const config::CollectorConfig& config) {
  config::Loaded<AlertingSetup> loaded;
  auto rules = LoadRuleFiles(config);
  loaded.config.rules = std::move(rules.config);
  loaded.problems = std::move(rules.problems);
  auto notify = LoadNotifyConfig(config);
  loaded.config.notify = std::move(notify.config);
  loaded.problems.insert(loaded.problems.end(), notify.problems.begin(), notify.problems.end());
  auto sla = LoadSlaSetup(config);
  loaded.config.sla = std::move(sla.config);
  loaded.problems.insert(loaded.problems.end(), sla.problems.begin(), sla.problems.end());
  return loaded;
}

}  // namespace vigil::collector
