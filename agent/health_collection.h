#pragma once
// Runs the enabled health collectors once and gathers their families, together with per-collector
// duration and success (node_exporter's scrape_collector_* pair, under Vigil's names).

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "agent/collectors/collector.h"
#include "common/clock.h"
#include "config/agent_config.h"

namespace vigil::agent {

struct Collection {
  std::vector<wire::MetricFamily> health;  // what the collectors produced
  std::vector<wire::MetricFamily> self;    // vigil_agent_collector_{duration_seconds,success}
};

// Not thread-safe; one caller at a time.
class HealthCollection {
 public:
  HealthCollection(std::vector<std::unique_ptr<Collector>> collectors, const Clock& clock);

  // A collector that fails is logged when it starts failing and when it recovers (not on every
  // run) and reported with success 0; the others are unaffected.
  Collection CollectOnce();

 private:
  std::vector<std::unique_ptr<Collector>> collectors_;
  const Clock& clock_;
  std::map<std::string, bool> failing_;  // by collector name
};

// The enabled collectors of this version, configured from `health`.
std::vector<std::unique_ptr<Collector>> MakeHealthCollectors(
    const config::AgentConfig::Health& health, const Clock& clock);

}  // namespace vigil::agent
