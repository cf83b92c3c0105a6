#pragma once
// "thermal_zone": /sys/class/thermal, as node_exporter 1.5 reads it:
//   node_thermal_zone_temp{zone,type}                       degrees Celsius (millidegrees / 1000)
//   node_cooling_device_cur_state{name,type}, _max_state    throttle states
// A host without thermal zones (most virtual machines) reports nothing.

#include <memory>
#include <string>

#include "agent/collectors/collector.h"

namespace vigil::agent {

std::unique_ptr<Collector> MakeThermalZoneCollector(std::string root);

}  // namespace vigil::agent
