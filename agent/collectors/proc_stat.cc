#include "agent/collectors/proc_stat.h"

#include <unistd.h>

#include "agent/collectors/text.h"
#include "common/metric_builder.h"

namespace vigil::agent {
Result<ProcStat> ParseProcStat(std::string_view text) {
  ProcStat stat;
  for (std::string_view line : SplitLines(text)) {
    const std::vector<std::string_view> fields = SplitFields(line);
    if (fields.empty()) continue;
    const std::string_view key = fields[0];
    if (key.size() > 3 && key.substr(0, 3) == "cpu") {
      CpuTimes cpu;
      cpu.cpu = std::string(key.substr(3));
      std::uint64_t* slots[] = {&cpu.user, &cpu.nice,    &cpu.system, &cpu.idle,  &cpu.iowait,
                                &cpu.irq,  &cpu.softirq, &cpu.steal,  &cpu.guest, &cpu.guest_nice};
      // Kernels before 2.6.33 have fewer columns; at least user..idle must be there.
      if (fields.size() < 5) {
        return MakeError(ErrorCode::kParseFailed,
                         "/proc/stat: too few columns for " + std::string(key));
      }
      for (std::size_t i = 1; i < fields.size() && i <= std::size(slots); ++i) {
        std::optional<std::uint64_t> ticks = ParseUint(fields[i]);
        if (!ticks) {
          return MakeError(
              ErrorCode::kParseFailed,
              "/proc/stat: bad number \"" + std::string(fields[i]) + "\" for " + std::string(key));
        }
        *slots[i - 1] = *ticks;
      }
      stat.cpus.push_back(std::move(cpu));
      continue;
    }
    if (fields.size() < 2) continue;
    std::uint64_t* target = nullptr;
    if (key == "btime") target = &stat.boot_time;
    if (key == "ctxt") target = &stat.context_switches;
    if (key == "processes") target = &stat.forks;
    if (key == "intr") target = &stat.interrupts;
    if (key == "procs_running") target = &stat.procs_running;
    if (key == "procs_blocked") target = &stat.procs_blocked;
    if (target != nullptr) *target = ParseUint(fields[1]).value_or(0);
  }
  return stat;
}

std::vector<wire::MetricFamily> CpuFamilies(const ProcStat& stat, double ticks_per_second) {
  auto seconds = MakeFamily("node_cpu_seconds_total", "Seconds the CPUs spent in each mode.",
                            wire::METRIC_TYPE_COUNTER);
  auto guest = MakeFamily("node_cpu_guest_seconds_total",
                          "Seconds the CPUs spent in guests (VMs) for each mode.",
                          wire::METRIC_TYPE_COUNTER);
  for (const CpuTimes& cpu : stat.cpus) {
    const std::pair<const char*, std::uint64_t> modes[] = {
        {"idle", cpu.idle},     {"iowait", cpu.iowait},   {"irq", cpu.irq},
        {"nice", cpu.nice},     {"softirq", cpu.softirq}, {"steal", cpu.steal},
        {"system", cpu.system}, {"user", cpu.user}};
    for (const auto& [mode, ticks] : modes) {
      AddSeries(seconds, static_cast<double>(ticks) / ticks_per_second,
                {{"cpu", cpu.cpu}, {"mode", mode}});
    }
    AddSeries(guest, static_cast<double>(cpu.guest_nice) / ticks_per_second,
              {{"cpu", cpu.cpu}, {"mode", "nice"}});
    AddSeries(guest, static_cast<double>(cpu.guest) / ticks_per_second,
              {{"cpu", cpu.cpu}, {"mode", "user"}});
  }
  std::vector<wire::MetricFamily> out;
  out.push_back(std::move(seconds));
  out.push_back(std::move(guest));
  return out;
}

std::vector<wire::MetricFamily> StatFamilies(const ProcStat& stat) {
  struct Spec {
    std::uint64_t value;
    const char* name;
    const char* help;
    wire::MetricType type;
  };
  const Spec specs[] = {
      {stat.boot_time, "node_boot_time_seconds", "Node boot time, in unixtime.",
       wire::METRIC_TYPE_GAUGE},
      {stat.context_switches, "node_context_switches_total", "Total number of context switches.",
       wire::METRIC_TYPE_COUNTER},
      {stat.forks, "node_forks_total", "Total number of forks.", wire::METRIC_TYPE_COUNTER},
      {stat.interrupts, "node_intr_total", "Total number of interrupts serviced.",
       wire::METRIC_TYPE_COUNTER},
      {stat.procs_blocked, "node_procs_blocked",
       "Number of processes blocked waiting for I/O to complete.", wire::METRIC_TYPE_GAUGE},
      {stat.procs_running, "node_procs_running", "Number of processes in runnable state.",
       wire::METRIC_TYPE_GAUGE},
  };
  std::vector<wire::MetricFamily> out;
  for (const Spec& spec : specs) {
    auto family = MakeFamily(spec.name, spec.help, spec.type);
    AddSeries(family, static_cast<double>(spec.value));
    out.push_back(std::move(family));
  }
  return out;
}

namespace {

template <typename Render>
Gather FromProcStat(Render render) {
  return [render](const ReadRelative& read) -> Result<std::vector<wire::MetricFamily>> {
    Result<std::string> text = read("proc/stat");
    if (!text) return text.error();
    Result<ProcStat> stat = ParseProcStat(*text);
    if (!stat) return stat.error();
    return render(*stat);
  };
}

}  // namespace

std::unique_ptr<Collector> MakeCpuCollector(std::string root) {
  const double ticks_per_second = static_cast<double>(sysconf(_SC_CLK_TCK));
  return MakeFileCollector("cpu", std::move(root),
                           FromProcStat([ticks_per_second](const ProcStat& stat) {
                             return CpuFamilies(stat, ticks_per_second);
                           }));
}

std::unique_ptr<Collector> MakeStatCollector(std::string root) {
  return MakeFileCollector("stat", std::move(root), FromProcStat(&StatFamilies));
}

}  // namespace vigil::agent
