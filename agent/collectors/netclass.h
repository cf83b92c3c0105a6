#pragma once
// "netclass": each network interface's attributes from /sys/class/net/<device>, as node_exporter
// 1.5 reads them: node_network_up, node_network_info{address,broadcast,duplex,operstate,ifalias},
// node_network_{mtu_bytes,speed_bytes,carrier,flags,...}{device}. An attribute the device cannot
// give (the speed of a link that is down) is left out, not an error.
//
// "bonding": node_bonding_slaves{master} and node_bonding_active{master} (slaves whose MII status
// is up), from /sys/class/net/bonding_masters and each master's bonding/slaves. A host without
// bonding, or whose bonding files are partly missing, reports nothing, as upstream.

#include <memory>
#include <string>

#include "agent/collectors/collector.h"

namespace vigil::agent {

std::unique_ptr<Collector> MakeNetclassCollector(std::string root);
std::unique_ptr<Collector> MakeBondingCollector(std::string root);

}  // namespace vigil::agent
