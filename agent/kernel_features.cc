#include "agent/kernel_features.h"

#include <filesystem>

namespace vigil::agent {
namespace {

struct Requirement {
  const char* collector;
  const char* path;  // below health.root
  const char* meaning;
};

// Sources every host of a supported kernel has are left out (/proc/stat, /proc/meminfo …): their
// absence is a broken root, which the collectors report as errors. These are the ones an old or
// slimmed kernel may lack.
constexpr Requirement kRequirements[] = {
    {"pressure", "proc/pressure", "kernel before 4.20, or PSI switched off (psi=0)"},
    {"schedstat", "proc/schedstat", "kernel built without CONFIG_SCHEDSTATS"},
    {"conntrack", "proc/sys/net/netfilter/nf_conntrack_count", "nf_conntrack module not loaded"},
    {"netclass", "sys/class/net", "no /sys/class/net"},
    {"hwmon", "sys/class/hwmon", "no hardware monitoring drivers"},
    {"thermal_zone", "sys/class/thermal", "no thermal zones (usual in virtual machines)"},
    {"cpufreq", "sys/devices/system/cpu/cpu0/cpufreq",
     "no frequency scaling (usual in virtual machines)"},
    {"edac", "sys/devices/system/edac/mc", "no EDAC memory controllers"},
    {"softnet", "proc/net/softnet_stat", "no /proc/net/softnet_stat"},
    {"udp_queues", "proc/net/udp", "no /proc/net/udp"},
    {"selinux", "sys/fs/selinux", "SELinux not enabled"},
};

}  // namespace

std::vector<std::string> MissingKernelFeatures(const config::AgentConfig::Health& health) {
  std::vector<std::string> lines;
  for (const Requirement& requirement : kRequirements) {
    if (!config::CollectorEnabled(health, requirement.collector)) continue;
    std::error_code ec;
    if (std::filesystem::exists(std::filesystem::path(health.root) / requirement.path, ec))
      continue;
    lines.push_back(std::string(requirement.collector) + ": /" + requirement.path +
                    " is not there (" + requirement.meaning + "); the collector reports nothing");
  }
  return lines;
}

}  // namespace vigil::agent
