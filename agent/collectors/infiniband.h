#pragma once
// "infiniband": InfiniBand HCAs and their ports from /sys/class/infiniband, as node_exporter 1.5
// reports them: node_infiniband_info{device,…}, port state and rate, and the port counters
// (data counters in bytes: the kernel counts 4-byte words).

#include "agent/collectors/collector.h"

namespace vigil::agent {

std::unique_ptr<Collector> MakeInfinibandCollector(std::string root);

}  // namespace vigil::agent
