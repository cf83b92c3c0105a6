#pragma once
// "powersupplyclass": batteries, mains adapters and UPSes from /sys/class/power_supply, named and
// scaled as node_exporter 1.5 names them (µ-units to base units, tenths of a degree to degrees).

#include "agent/collectors/collector.h"

namespace vigil::agent {

std::unique_ptr<Collector> MakePowerSupplyCollector(std::string root);

}  // namespace vigil::agent
