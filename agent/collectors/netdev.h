#pragma once
// The "netdev" collector: /proc/net/dev as node_network_{receive,transmit}_*_total per device,
// as node_exporter exports it when reading procfs (--no-collector.netdev.netlink).

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "agent/collectors/collector.h"

namespace vigil::agent {

struct NetdevOptions {
  std::string root = "/";
  std::string device_include;  // regular expression; when set, only matching devices
  std::string device_exclude;  // regular expression
};

// All devices of /proc/net/dev; filtering happens in the collector.
Result<std::vector<wire::MetricFamily>> ParseNetdev(
    std::string_view text, const std::function<bool(const std::string&)>& keep);

std::unique_ptr<Collector> MakeNetdevCollector(NetdevOptions options);

}  // namespace vigil::agent
