#pragma once
// "processes" (off by default, as upstream): processes and threads by state, their counts and the
// kernel's limits, from /proc/<pid>/stat and /proc/<pid>/task/<tid>/stat, as node_exporter 1.5
// reports them (node_processes_*). Processes that exit while being read are skipped.

#include "agent/collectors/collector.h"

namespace vigil::agent {

std::unique_ptr<Collector> MakeProcessesCollector(std::string root);

}  // namespace vigil::agent
