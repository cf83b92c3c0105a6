#include "agent/health_collection.h"

#include "agent/collectors/loadavg.h"
#include "agent/collectors/meminfo.h"
#include "agent/collectors/proc_stat.h"
#include "common/log.h"
#include "common/metric_builder.h"

namespace vigil::agent {

HealthCollection::HealthCollection(std::vector<std::unique_ptr<Collector>> collectors,
                                   const Clock& clock)
    : collectors_(std::move(collectors)), clock_(clock) {}

Collection HealthCollection::CollectOnce() {
  Collection out;
  auto duration = MakeFamily("vigil_agent_collector_duration_seconds",
                             "Time a health collector took in its last run.",
                             wire::METRIC_TYPE_GAUGE);
  auto success = MakeFamily("vigil_agent_collector_success",
                            "Whether a health collector's last run succeeded (1) or failed (0).",
                            wire::METRIC_TYPE_GAUGE);
  for (const auto& collector : collectors_) {
    const auto start = clock_.Monotonic();
    Result<std::vector<wire::MetricFamily>> families = collector->Collect();
    const std::chrono::duration<double> elapsed = clock_.Monotonic() - start;
    const std::string& name = collector->name();
    bool& was_failing = failing_[name];
    if (families) {
      for (auto& family : *families) out.health.push_back(std::move(family));
      if (was_failing) LogInfo("collector " + name + " recovered");
    } else if (!was_failing) {
      LogWarning("collector " + name + " failed: " + families.error().message);
    }
    was_failing = !families.ok();
    AddSeries(duration, elapsed.count(), {{"collector", name}});
    AddSeries(success, families.ok() ? 1 : 0, {{"collector", name}});
  }
  out.self.push_back(std::move(duration));
  out.self.push_back(std::move(success));
  return out;
}

std::vector<std::unique_ptr<Collector>> MakeHealthCollectors(const std::string& root) {
  std::vector<std::unique_ptr<Collector>> collectors;
  collectors.push_back(MakeCpuCollector(root));
  collectors.push_back(MakeLoadavgCollector(root));
  collectors.push_back(MakeMeminfoCollector(root));
  collectors.push_back(MakeStatCollector(root));
  return collectors;
}

}  // namespace vigil::agent
