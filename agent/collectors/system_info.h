#pragma once
// Collectors that describe the system rather than count activity:
//   "uname"  node_uname_info from uname(2) (the running kernel, whatever the root)
//   "time"   node_time_seconds, node_time_zone_offset_seconds and the clocksources in sysfs
//   "os"     node_os_info and node_os_version from <root>/etc/os-release (or usr/lib/os-release)

#include <ctime>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "agent/collectors/collector.h"
#include "common/clock.h"

namespace vigil::agent {

// os-release(5): KEY=VALUE lines, values optionally quoted with shell escapes.
std::map<std::string, std::string> ParseOsRelease(std::string_view text);
std::vector<wire::MetricFamily> OsFamilies(const std::map<std::string, std::string>& release);

struct ZoneOffset {
  std::string name;     // "UTC", "CET", ...
  long offset_seconds;  // east of UTC
};
std::vector<wire::MetricFamily> TimeFamilies(std::chrono::system_clock::time_point now,
                                             const ZoneOffset& zone);

std::unique_ptr<Collector> MakeUnameCollector();
std::unique_ptr<Collector> MakeTimeCollector(std::string root, const Clock& clock);
std::unique_ptr<Collector> MakeOsCollector(std::string root);

}  // namespace vigil::agent
