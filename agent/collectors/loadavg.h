#pragma once
// /proc/loadavg: the "loadavg" collector (node_load1, node_load5, node_load15).

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "agent/collectors/collector.h"

namespace vigil::agent {

Result<std::vector<wire::MetricFamily>> ParseLoadavg(std::string_view text);

std::unique_ptr<Collector> MakeLoadavgCollector(std::string root);

}  // namespace vigil::agent
