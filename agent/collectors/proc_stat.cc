#include "agent/collectors/proc_stat.h"

#include <unistd.h>

#include <charconv>

#include "common/metric_builder.h"

namespace vigil::agent {
namespace {

std::vector<std::string_view> SplitFields(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t pos = 0;
  while (pos < line.size()) {
    const std::size_t start = line.find_first_not_of(' ', pos);
    if (start == std::string_view::npos) break;
    std::size_t end = line.find(' ', start);
    if (end == std::string_view::npos) end = line.size();
    fields.push_back(line.substr(start, end - start));
    pos = end;
  }
  return fields;
}

bool ToUint(std::string_view text, std::uint64_t& out) {
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

class ProcStatCollector final : public Collector {
 public:
  using Render = std::vector<wire::MetricFamily> (*)(const ProcStat&);
  ProcStatCollector(std::string name, std::string root, Render render)
      : name_(std::move(name)), root_(std::move(root)), render_(render) {}
  const std::string& name() const override { return name_; }
  Result<std::vector<wire::MetricFamily>> Collect() override {
    Result<std::string> text = ReadFileUnderRoot(root_, "proc/stat");
    if (!text) return text.error();
    Result<ProcStat> stat = ParseProcStat(*text);
    if (!stat) return stat.error();
    return render_(*stat);
  }

 private:
  std::string name_;
  std::string root_;
  Render render_;
};

}  // namespace

Result<ProcStat> ParseProcStat(std::string_view text) {
  ProcStat stat;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    const std::vector<std::string_view> fields = SplitFields(line);
    if (fields.empty()) continue;
    const std::string_view key = fields[0];
    if (key.size() > 3 && key.substr(0, 3) == "cpu") {
      CpuTimes cpu;
      cpu.cpu = std::string(key.substr(3));
      std::uint64_t* slots[] = {&cpu.user,    &cpu.nice,  &cpu.system,  &cpu.idle,
                                &cpu.iowait,  &cpu.irq,   &cpu.softirq, &cpu.steal,
                                &cpu.guest,   &cpu.guest_nice};
      // Kernels before 2.6.33 have fewer columns; at least user..idle must be there.
      if (fields.size() < 5) {
        return MakeError("parse_failed", "/proc/stat: too few columns for " + std::string(key));
      }
      for (std::size_t i = 1; i < fields.size() && i <= std::size(slots); ++i) {
        if (!ToUint(fields[i], *slots[i - 1])) {
          return MakeError("parse_failed",
                           "/proc/stat: bad number \"" + std::string(fields[i]) + "\" for " +
                               std::string(key));
        }
      }
      stat.cpus.push_back(std::move(cpu));
      continue;
    }
    if (fields.size() < 2) continue;
    std::optional<std::uint64_t>* target = nullptr;
    if (key == "btime") target = &stat.boot_time;
    if (key == "ctxt") target = &stat.context_switches;
    if (key == "processes") target = &stat.forks;
    if (key == "intr") target = &stat.interrupts;
    if (key == "procs_running") target = &stat.procs_running;
    if (key == "procs_blocked") target = &stat.procs_blocked;
    std::uint64_t value = 0;
    if (target != nullptr && ToUint(fields[1], value)) *target = value;
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
        {"idle", cpu.idle}, {"iowait", cpu.iowait},   {"irq", cpu.irq},   {"nice", cpu.nice},
        {"softirq", cpu.softirq}, {"steal", cpu.steal}, {"system", cpu.system}, {"user", cpu.user}};
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
    const std::optional<std::uint64_t>& value;
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
    if (!spec.value) continue;
    auto family = MakeFamily(spec.name, spec.help, spec.type);
    AddSeries(family, static_cast<double>(*spec.value));
    out.push_back(std::move(family));
  }
  return out;
}

std::unique_ptr<Collector> MakeCpuCollector(std::string root) {
  return std::make_unique<ProcStatCollector>(
      "cpu", std::move(root), [](const ProcStat& stat) {
        static const double ticks_per_second = static_cast<double>(sysconf(_SC_CLK_TCK));
        return CpuFamilies(stat, ticks_per_second);
      });
}

std::unique_ptr<Collector> MakeStatCollector(std::string root) {
  return std::make_unique<ProcStatCollector>("stat", std::move(root), &StatFamilies);
}

}  // namespace vigil::agent
