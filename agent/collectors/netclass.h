#pragma once
// "netclass": each network interface's attributes from /sys/class/net/<device>, as node_exporter
// 1.5 reads them: node_network_up, node_network_info{address,broadcast,duplex,operstate,ifalias},
// node_network_{mtu_bytes,speed_bytes,carrier,flags,...}{device}. An attribute the device cannot
// give (the speed of a link that is down) is left out, not an error.

#include <memory>
#include <string>

#include "agent/collectors/collector.h"

namespace vigil::agent {

std::unique_ptr<Collector> MakeNetclassCollector(std::string root);

}  // namespace vigil::agent
