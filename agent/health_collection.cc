#include "agent/health_collection.h"

#include "agent/collectors/bcache.h"
#include "agent/collectors/btrfs.h"
#include "agent/collectors/cpufreq.h"
#include "agent/collectors/diskstats.h"
#include "agent/collectors/dmi.h"
#include "agent/collectors/edac.h"
#include "agent/collectors/fibrechannel.h"
#include "agent/collectors/filesystem.h"
#include "agent/collectors/hwmon.h"
#include "agent/collectors/infiniband.h"
#include "agent/collectors/interrupts.h"
#include "agent/collectors/ipvs.h"
#include "agent/collectors/kernel_files.h"
#include "agent/collectors/loadavg.h"
#include "agent/collectors/mdadm.h"
#include "agent/collectors/meminfo.h"
#include "agent/collectors/netclass.h"
#include "agent/collectors/netdev.h"
#include "agent/collectors/netstat.h"
#include "agent/collectors/nfs.h"
#include "agent/collectors/nvme.h"
#include "agent/collectors/power_supply.h"
#include "agent/collectors/proc_net_tables.h"
#include "agent/collectors/proc_stat.h"
#include "agent/collectors/processes.h"
#include "agent/collectors/rapl.h"
#include "agent/collectors/selinux.h"
#include "agent/collectors/system_info.h"
#include "agent/collectors/systemd.h"
#include "agent/collectors/tapestats.h"
#include "agent/collectors/tcpstat.h"
#include "agent/collectors/textfile.h"
#include "agent/collectors/thermal_zone.h"
#include "agent/collectors/timex.h"
#include "agent/collectors/xfs.h"
#include "agent/collectors/zfs.h"
#include "common/log.h"
#include "common/metric_builder.h"

#include <map>
#include <string_view>

namespace vigil::agent {

HealthCollection::HealthCollection(std::vector<std::unique_ptr<Collector>> collectors,
                                   const Clock& clock)
    : collectors_(std::move(collectors)), clock_(clock) {}

Collection HealthCollection::CollectOnce() {
  Collection out;
  auto duration =
      MakeFamily("vigil_agent_collector_duration_seconds",
                 "Time a health collector took in its last run.", wire::METRIC_TYPE_GAUGE);
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

namespace {

using Health = config::AgentConfig::Health;
using Factory = std::unique_ptr<Collector> (*)(const Health&, const Clock&);

// How each collector config::kHealthCollectors names is made (the list of names is config's);
// nullptr: not made under this configuration.
const std::map<std::string_view, Factory>& Factories() {
  static const std::map<std::string_view, Factory> factories = {
      {"arp", [](const Health& h, const Clock&) { return MakeArpCollector(h.root); }},
      {"bcache", [](const Health& h, const Clock&) { return MakeBcacheCollector(h.root); }},
      {"bonding", [](const Health& h, const Clock&) { return MakeBondingCollector(h.root); }},
      {"btrfs", [](const Health& h, const Clock&) { return MakeBtrfsCollector(h.root); }},
      {"conntrack", [](const Health& h, const Clock&) { return MakeConntrackCollector(h.root); }},
      {"cpu", [](const Health& h, const Clock&) { return MakeCpuCollector(h.root); }},
      {"cpufreq", [](const Health& h, const Clock&) { return MakeCpufreqCollector(h.root); }},
      {"diskstats",
       [](const Health& h, const Clock&) {
         return MakeDiskstatsCollector(
             {h.root, h.diskstats.device_exclude, h.diskstats.device_include});
       }},
      {"dmi", [](const Health& h, const Clock&) { return MakeDmiCollector(h.root); }},
      {"edac", [](const Health& h, const Clock&) { return MakeEdacCollector(h.root); }},
      {"entropy", [](const Health& h, const Clock&) { return MakeEntropyCollector(h.root); }},
      {"fibrechannel",
       [](const Health& h, const Clock&) { return MakeFibreChannelCollector(h.root); }},
      {"filefd", [](const Health& h, const Clock&) { return MakeFilefdCollector(h.root); }},
      {"filesystem",
       [](const Health& h, const Clock&) {
         return MakeFilesystemCollector(
             {h.root, h.filesystem.mount_points_exclude, h.filesystem.fs_types_exclude});
       }},
      {"hwmon", [](const Health& h, const Clock&) { return MakeHwmonCollector(h.root); }},
      {"infiniband", [](const Health& h, const Clock&) { return MakeInfinibandCollector(h.root); }},
      {"interrupts", [](const Health& h, const Clock&) { return MakeInterruptsCollector(h.root); }},
      {"ipvs", [](const Health& h, const Clock&) { return MakeIpvsCollector(h.root); }},
      {"loadavg", [](const Health& h, const Clock&) { return MakeLoadavgCollector(h.root); }},
      {"mdadm", [](const Health& h, const Clock&) { return MakeMdadmCollector(h.root); }},
      {"meminfo", [](const Health& h, const Clock&) { return MakeMeminfoCollector(h.root); }},
      {"netclass", [](const Health& h, const Clock&) { return MakeNetclassCollector(h.root); }},
      {"netdev",
       [](const Health& h, const Clock&) {
         return MakeNetdevCollector({h.root, h.netdev.device_include, h.netdev.device_exclude});
       }},
      {"netstat",
       [](const Health& h, const Clock&) {
         return MakeNetstatCollector({h.root, h.netstat_fields});
       }},
      {"nfs", [](const Health& h, const Clock&) { return MakeNfsCollector(h.root); }},
      {"nfsd", [](const Health& h, const Clock&) { return MakeNfsdCollector(h.root); }},
      {"nvme", [](const Health& h, const Clock&) { return MakeNvmeCollector(h.root); }},
      {"os", [](const Health& h, const Clock&) { return MakeOsCollector(h.root); }},
      {"powersupplyclass",
       [](const Health& h, const Clock&) { return MakePowerSupplyCollector(h.root); }},
      {"pressure", [](const Health& h, const Clock&) { return MakePressureCollector(h.root); }},
      {"processes", [](const Health& h, const Clock&) { return MakeProcessesCollector(h.root); }},
      {"rapl", [](const Health& h, const Clock&) { return MakeRaplCollector(h.root); }},
      {"schedstat", [](const Health& h, const Clock&) { return MakeSchedstatCollector(h.root); }},
      {"selinux", [](const Health&, const Clock&) { return MakeSelinuxCollector(); }},
      {"sockstat", [](const Health& h, const Clock&) { return MakeSockstatCollector(h.root); }},
      {"softnet", [](const Health& h, const Clock&) { return MakeSoftnetCollector(h.root); }},
      {"stat", [](const Health& h, const Clock&) { return MakeStatCollector(h.root); }},
      {"systemd",
       [](const Health& h, const Clock&) {
         return MakeSystemdCollector({h.systemd.unit_include, h.systemd.unit_exclude});
       }},
      {"tapestats", [](const Health& h, const Clock&) { return MakeTapestatsCollector(h.root); }},
      {"tcpstat", [](const Health& h, const Clock&) { return MakeTcpstatCollector(h.root); }},
      {"textfile",
       [](const Health& h, const Clock&) -> std::unique_ptr<Collector> {
         if (h.textfile_directory.empty()) return nullptr;  // runs only when given a folder
         return MakeTextfileCollector(h.textfile_directory);
       }},
      {"thermal_zone",
       [](const Health& h, const Clock&) { return MakeThermalZoneCollector(h.root); }},
      {"time", [](const Health& h, const Clock& c) { return MakeTimeCollector(h.root, c); }},
      {"timex", [](const Health&, const Clock&) { return MakeTimexCollector(); }},
      {"udp_queues", [](const Health& h, const Clock&) { return MakeUdpQueuesCollector(h.root); }},
      {"uname", [](const Health&, const Clock&) { return MakeUnameCollector(); }},
      {"vmstat",
       [](const Health& h, const Clock&) { return MakeVmstatCollector(h.root, h.vmstat_fields); }},
      {"xfs", [](const Health& h, const Clock&) { return MakeXfsCollector(h.root); }},
      {"zfs", [](const Health& h, const Clock&) { return MakeZfsCollector(h.root); }},
  };
  return factories;
}

}  // namespace

std::vector<std::unique_ptr<Collector>> MakeHealthCollectors(const Health& health,
                                                             const Clock& clock) {
  std::vector<std::unique_ptr<Collector>> collectors;
  for (const std::string& name : config::kHealthCollectors) {
    if (!config::CollectorEnabled(health, name)) continue;
    const auto factory = Factories().find(name);
    if (factory == Factories().end()) continue;  // a name without a collector: the tests catch it
    if (auto collector = factory->second(health, clock)) collectors.push_back(std::move(collector));
  }
  return collectors;
}

}  // namespace vigil::agent
