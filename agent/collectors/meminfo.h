#pragma once
// /proc/meminfo: the "meminfo" collector, every field as node_exporter names it
// (node_memory_<Field>_bytes for fields in kB, node_memory_<Field> for counts).

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "agent/collectors/collector.h"

namespace vigil::agent {

// Parses /proc/meminfo text. Lines that are not "Name: value [kB]" are an error naming the line.
Result<std::vector<wire::MetricFamily>> ParseMeminfo(std::string_view text);

std::unique_ptr<Collector> MakeMeminfoCollector(std::string root);

}  // namespace vigil::agent
