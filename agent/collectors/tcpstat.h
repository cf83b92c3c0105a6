#pragma once
// "tcpstat" (off by default, as upstream): TCP sockets by state, and the bytes queued in them, as
// node_tcp_connection_states{state}, asked of the kernel through NETLINK_INET_DIAG as node_exporter
// 1.5 asks. The counts are those of the agent's network namespace whatever health.root says (IPv6
// is asked for only when <root>/proc/net/tcp6 exists, as upstream).

#include <cstdint>
#include <map>
#include <string>

#include "agent/collectors/collector.h"

namespace vigil::agent {

std::unique_ptr<Collector> MakeTcpstatCollector(std::string root);

// The sockets of one address family, by upstream's state name ("established", "listen",
// "rx_queued_bytes", …); errors name the netlink step that failed.
Result<std::map<std::string, double>> TcpStatesOf(int family);

}  // namespace vigil::agent
