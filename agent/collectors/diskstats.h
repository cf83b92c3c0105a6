#pragma once
// The "diskstats" collector: /proc/diskstats as node_exporter's node_disk_* families, and
// node_disk_info from udev's database (<root>/run/udev/data).

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "agent/collectors/collector.h"

namespace vigil::agent {

struct DiskStats {
  std::string major, minor, device;
  std::vector<double> values;  // the numeric columns after the device name (11, 15 or 17)
};

Result<std::vector<DiskStats>> ParseDiskstats(std::string_view text);

// Properties ("E:KEY=VALUE" lines) of one udev database entry.
std::map<std::string, std::string> ParseUdevProperties(std::string_view text);

struct DiskstatsOptions {
  std::string root = "/";
  std::string device_exclude;  // regular expression
  std::string device_include;  // regular expression; when set, only matching devices
};

// Families for the disks; `udev` gives the properties of "b<major>:<minor>" (may be empty).
std::vector<wire::MetricFamily> DiskstatsFamilies(
    const std::vector<DiskStats>& disks,
    const std::map<std::string, std::map<std::string, std::string>>& udev);

std::unique_ptr<Collector> MakeDiskstatsCollector(DiskstatsOptions options);

}  // namespace vigil::agent
