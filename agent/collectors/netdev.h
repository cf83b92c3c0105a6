#pragma once
// The "netdev" collector: /proc/net/dev as node_network_{receive,transmit}_*_total per device,
// as node_exporter exports it, and each device's rx_nohandler (the kernel's count of packets no
// protocol took) from /sys/class/net/DEV/statistics as node_network_receive_nohandler_total, the
// counter node_exporter's netlink reading (its default) adds. That is the same kernel counter
// netlink's IFLA_STATS64 carries, read without a netlink socket.

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

// Adds node_network_receive_nohandler_total for the devices of `families` (ParseNetdev's) whose
// rx_nohandler `read` finds; devices without it are left out.
void AddNohandler(const ReadRelative& read, std::vector<wire::MetricFamily>& families);

std::unique_ptr<Collector> MakeNetdevCollector(NetdevOptions options);

}  // namespace vigil::agent
