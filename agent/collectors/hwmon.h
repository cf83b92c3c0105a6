#pragma once
// "hwmon": hardware sensors from /sys/class/hwmon (temperatures, fans, voltages, currents, power,
// energy, humidity, alarms), named as node_exporter 1.5 names them: node_hwmon_temp_celsius,
// node_hwmon_fan_rpm, node_hwmon_in_volts, ..., with labels chip (derived from the device the
// chip sits on, e.g. platform_coretemp_0) and sensor (temp1, fan2), plus node_hwmon_chip_names
// and node_hwmon_sensor_label. Machines without sensors (most virtual machines) report nothing.

#include <memory>
#include <string>

#include "agent/collectors/collector.h"

namespace vigil::agent {

// node_exporter's cleanMetricName: lowercase, anything but [a-z0-9:_] as "_", "_" trimmed.
std::string CleanHwmonName(std::string_view name);

std::unique_ptr<Collector> MakeHwmonCollector(std::string root);

}  // namespace vigil::agent
