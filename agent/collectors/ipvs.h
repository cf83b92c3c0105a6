#pragma once
// "ipvs": the IP Virtual Server's totals (/proc/net/ip_vs_stats) and each real server's
// connections and weight (/proc/net/ip_vs), as node_exporter 1.5 reports them, backends summed
// per (local address, local port, remote address, remote port, protocol, firewall mark). Hosts
// without IPVS report nothing.

#include "agent/collectors/collector.h"

namespace vigil::agent {

std::unique_ptr<Collector> MakeIpvsCollector(std::string root);

}  // namespace vigil::agent
