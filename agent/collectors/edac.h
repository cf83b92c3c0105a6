#pragma once
// "edac": memory error counters of each memory controller from /sys/devices/system/edac/mc, as
// node_exporter 1.5 reports them: node_edac_{correctable,uncorrectable}_errors_total{controller}
// and node_edac_csrow_{correctable,uncorrectable}_errors_total{controller,csrow} (csrow "unknown"
// for errors the controller could not place). Hosts without EDAC report nothing.

#include <memory>
#include <string>

#include "agent/collectors/collector.h"

namespace vigil::agent {

std::unique_ptr<Collector> MakeEdacCollector(std::string root);

}  // namespace vigil::agent
