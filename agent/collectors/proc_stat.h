#pragma once
// /proc/stat: the "cpu" collector (node_cpu_seconds_total, node_cpu_guest_seconds_total) and the
// "stat" collector (boot time, context switches, forks, interrupts, running/blocked processes).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/collectors/collector.h"

namespace vigil::agent {

struct CpuTimes {
  std::string cpu;  // "0", "1", ...
  // In clock ticks, as the kernel reports them.
  std::uint64_t user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0,
                steal = 0, guest = 0, guest_nice = 0;
};

struct ProcStat {
  std::vector<CpuTimes> cpus;  // per CPU; the aggregate "cpu" line is not kept
  // Zero when the line is missing, as node_exporter reports them.
  std::uint64_t boot_time = 0, context_switches = 0, forks = 0, interrupts = 0, procs_running = 0,
                procs_blocked = 0;
};

// Parses the text of /proc/stat. Error "parse_failed" naming the line when a cpu line is malformed;
// unknown lines are ignored.
Result<ProcStat> ParseProcStat(std::string_view text);

// Families as node_exporter's cpu and stat collectors export them; ticks_per_second is USER_HZ.
std::vector<wire::MetricFamily> CpuFamilies(const ProcStat& stat, double ticks_per_second);
std::vector<wire::MetricFamily> StatFamilies(const ProcStat& stat);

std::unique_ptr<Collector> MakeCpuCollector(std::string root);
std::unique_ptr<Collector> MakeStatCollector(std::string root);

}  // namespace vigil::agent
