#pragma once
// "rapl": the energy counters of Intel/AMD RAPL zones from /sys/class/powercap, as node_exporter
// 1.5 names them: node_rapl_<zone>_joules_total{index,path} (package, core, uncore, dram, psys).
// Machines without RAPL (virtual machines, ARM) report nothing; reading energy_uj needs root on
// kernels since 5.10, so an unprivileged agent reports nothing either, as upstream does.

#include <memory>
#include <string>

#include "agent/collectors/collector.h"

namespace vigil::agent {

// node_exporter's SanitizeMetricName: each run of characters outside [0-9A-Za-z_], with the
// underscores around it, becomes one "_".
std::string SanitizeMetricName(std::string_view name);

std::unique_ptr<Collector> MakeRaplCollector(std::string root);

}  // namespace vigil::agent
