#pragma once
// "fibrechannel": Fibre Channel host bus adapters from /sys/class/fc_host, as node_exporter 1.5
// reports them: node_fibrechannel_info{fc_host,…} and the port counters of statistics/.

#include "agent/collectors/collector.h"

namespace vigil::agent {

std::unique_ptr<Collector> MakeFibreChannelCollector(std::string root);

}  // namespace vigil::agent
