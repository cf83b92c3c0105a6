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

std::vector<std::unique_ptr<Collector>> MakeHealthCollectors(
    const config::AgentConfig::Health& health, const Clock& clock) {
  const std::string& root = health.root;
  std::vector<std::unique_ptr<Collector>> collectors;
  for (const std::string& name : config::kHealthCollectors) {
    if (!config::CollectorEnabled(health, name)) continue;
    if (name == "arp") collectors.push_back(MakeArpCollector(root));
    if (name == "bcache") collectors.push_back(MakeBcacheCollector(root));
    if (name == "bonding") collectors.push_back(MakeBondingCollector(root));
    if (name == "btrfs") collectors.push_back(MakeBtrfsCollector(root));
    if (name == "conntrack") collectors.push_back(MakeConntrackCollector(root));
    if (name == "cpu") collectors.push_back(MakeCpuCollector(root));
    if (name == "cpufreq") collectors.push_back(MakeCpufreqCollector(root));
    if (name == "dmi") collectors.push_back(MakeDmiCollector(root));
    if (name == "diskstats") {
      collectors.push_back(MakeDiskstatsCollector(
          {root, health.diskstats.device_exclude, health.diskstats.device_include}));
    }
    if (name == "edac") collectors.push_back(MakeEdacCollector(root));
    if (name == "entropy") collectors.push_back(MakeEntropyCollector(root));
    if (name == "fibrechannel") collectors.push_back(MakeFibreChannelCollector(root));
    if (name == "filefd") collectors.push_back(MakeFilefdCollector(root));
    if (name == "filesystem") {
      collectors.push_back(MakeFilesystemCollector(
          {root, health.filesystem.mount_points_exclude, health.filesystem.fs_types_exclude}));
    }
    if (name == "hwmon") collectors.push_back(MakeHwmonCollector(root));
    if (name == "infiniband") collectors.push_back(MakeInfinibandCollector(root));
    if (name == "interrupts") collectors.push_back(MakeInterruptsCollector(root));
    if (name == "ipvs") collectors.push_back(MakeIpvsCollector(root));
    if (name == "loadavg") collectors.push_back(MakeLoadavgCollector(root));
    if (name == "mdadm") collectors.push_back(MakeMdadmCollector(root));
    if (name == "meminfo") collectors.push_back(MakeMeminfoCollector(root));
    if (name == "netdev") {
      collectors.push_back(
          MakeNetdevCollector({root, health.netdev.device_include, health.netdev.device_exclude}));
    }
    if (name == "netclass") collectors.push_back(MakeNetclassCollector(root));
    if (name == "netstat")
      collectors.push_back(MakeNetstatCollector({root, health.netstat_fields}));
    if (name == "nfs") collectors.push_back(MakeNfsCollector(root));
    if (name == "nfsd") collectors.push_back(MakeNfsdCollector(root));
    if (name == "nvme") collectors.push_back(MakeNvmeCollector(root));
    if (name == "os") collectors.push_back(MakeOsCollector(root));
    if (name == "powersupplyclass") collectors.push_back(MakePowerSupplyCollector(root));
    if (name == "pressure") collectors.push_back(MakePressureCollector(root));
    if (name == "processes") collectors.push_back(MakeProcessesCollector(root));
    if (name == "rapl") collectors.push_back(MakeRaplCollector(root));
    if (name == "schedstat") collectors.push_back(MakeSchedstatCollector(root));
    if (name == "selinux") collectors.push_back(MakeSelinuxCollector());
    if (name == "sockstat") collectors.push_back(MakeSockstatCollector(root));
    if (name == "softnet") collectors.push_back(MakeSoftnetCollector(root));
    if (name == "stat") collectors.push_back(MakeStatCollector(root));
    if (name == "systemd") {
      collectors.push_back(
          MakeSystemdCollector({health.systemd.unit_include, health.systemd.unit_exclude}));
    }
    if (name == "tapestats") collectors.push_back(MakeTapestatsCollector(root));
    if (name == "tcpstat") collectors.push_back(MakeTcpstatCollector(root));
    if (name == "textfile" && !health.textfile_directory.empty()) {
      collectors.push_back(MakeTextfileCollector(health.textfile_directory));
    }
    if (name == "thermal_zone") collectors.push_back(MakeThermalZoneCollector(root));
    if (name == "time") collectors.push_back(MakeTimeCollector(root, clock));
    if (name == "timex") collectors.push_back(MakeTimexCollector());
    if (name == "udp_queues") collectors.push_back(MakeUdpQueuesCollector(root));
    if (name == "uname") collectors.push_back(MakeUnameCollector());
    if (name == "xfs") collectors.push_back(MakeXfsCollector(root));
    if (name == "zfs") collectors.push_back(MakeZfsCollector(root));
    if (name == "vmstat") collectors.push_back(MakeVmstatCollector(root, health.vmstat_fields));
  }
  return collectors;
}

}  // namespace vigil::agent
