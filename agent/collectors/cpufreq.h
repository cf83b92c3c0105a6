#pragma once
// "cpufreq": each CPU's frequencies from /sys/devices/system/cpu/cpuN/cpufreq, as node_exporter
// 1.5 reports them: node_cpu_{frequency,frequency_min,frequency_max}_hertz and
// node_cpu_scaling_frequency{,_min,_max}_hertz{cpu} (kHz in sysfs, Hz here). CPUs without
// cpufreq (most virtual machines) report nothing.

#include <memory>
#include <string>

#include "agent/collectors/collector.h"

namespace vigil::agent {

std::unique_ptr<Collector> MakeCpufreqCollector(std::string root);

}  // namespace vigil::agent
