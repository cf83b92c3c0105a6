#pragma once
// Collectors of the kernel's network tables under /proc, as node_exporter 1.5 names them:
//   "arp"         /proc/net/arp                      node_arp_entries{device}
//   "conntrack"   /proc/sys/net/netfilter/nf_conntrack_{count,max}, /proc/net/stat/nf_conntrack
//                                                    node_nf_conntrack_entries{,_limit},
//                                                    node_nf_conntrack_stat_* (summed over CPUs)
//   "softnet"     /proc/net/softnet_stat node_softnet_{processed,dropped,times_squeezed}_total{cpu}
//   "udp_queues"  /proc/net/udp, /proc/net/udp6      node_udp_queues{ip,queue}
// A table the kernel does not have (no conntrack module, no IPv6) yields no series, not an error.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "agent/collectors/collector.h"

namespace vigil::agent {

Result<std::vector<wire::MetricFamily>> ParseArp(std::string_view text);
Result<std::vector<wire::MetricFamily>> ParseSoftnet(std::string_view text);

struct UdpQueues {
  std::uint64_t tx = 0;
  std::uint64_t rx = 0;
};
// The tx and rx queue columns of /proc/net/udp{,6}, summed over sockets.
Result<UdpQueues> SumUdpQueues(std::string_view text);

Gather ConntrackGather();
Gather UdpQueuesGather();

std::unique_ptr<Collector> MakeArpCollector(std::string root);
std::unique_ptr<Collector> MakeConntrackCollector(std::string root);
std::unique_ptr<Collector> MakeSoftnetCollector(std::string root);
std::unique_ptr<Collector> MakeUdpQueuesCollector(std::string root);

}  // namespace vigil::agent
