#include "agent/collectors/cpufreq.h"

#include <filesystem>

#include "agent/collectors/text.h"
#include "common/metric_builder.h"

namespace vigil::agent {
namespace {

using Families = std::vector<wire::MetricFamily>;

constexpr const char* kCpus = "sys/devices/system/cpu";

struct Frequency {
  const char* file;
  const char* metric;
  const char* help;
};
constexpr Frequency kFrequencies[] = {
    {"cpuinfo_cur_freq", "node_cpu_frequency_hertz", "Current cpu thread frequency in hertz."},
    {"cpuinfo_min_freq", "node_cpu_frequency_min_hertz", "Minimum cpu thread frequency in hertz."},
    {"cpuinfo_max_freq", "node_cpu_frequency_max_hertz", "Maximum cpu thread frequency in hertz."},
    {"scaling_cur_freq", "node_cpu_scaling_frequency_hertz",
     "Current scaled CPU thread frequency in hertz."},
    {"scaling_min_freq", "node_cpu_scaling_frequency_min_hertz",
     "Minimum scaled CPU thread frequency in hertz."},
    {"scaling_max_freq", "node_cpu_scaling_frequency_max_hertz",
     "Maximum scaled CPU thread frequency in hertz."},
};
// Read but not exported; upstream fails the whole collection when one is missing, and so do we,
// so that the same hosts report the same series.
constexpr const char* kRequired[] = {"scaling_available_governors", "scaling_driver",
                                     "scaling_governor", "related_cpus", "scaling_setspeed"};

class CpufreqCollector final : public RootCollector {
 public:
  explicit CpufreqCollector(std::string root) : RootCollector("cpufreq", std::move(root)) {}

  Result<Families> Collect() override {
    namespace fs = std::filesystem;
    std::vector<std::string> cpus = NumberedEntries(root_, kCpus, "cpu");
    for (std::string& cpu : cpus) cpu = cpu.substr(3);
    std::error_code ec;
    Families out;
    for (const Frequency& frequency : kFrequencies) {
      out.push_back(MakeFamily(frequency.metric, frequency.help, wire::METRIC_TYPE_GAUGE));
    }
    for (const std::string& cpu : cpus) {
      const std::string base = std::string(kCpus) + "/cpu" + cpu + "/cpufreq/";
      if (!fs::exists(fs::path(root_) / base, ec)) continue;
      for (std::size_t i = 0; i < std::size(kFrequencies); ++i) {
        Result<std::string> text = ReadFileUnderRoot(root_, base + kFrequencies[i].file);
        if (!text) {
          if (text.error().code == ErrorCode::kNotFound ||
              text.error().code == ErrorCode::kPermissionDenied)
            continue;
          return text.error();
        }
        std::optional<std::uint64_t> khz = ParseUint(Trim(*text));
        if (!khz)
          return MakeError(ErrorCode::kParseFailed, base + kFrequencies[i].file + ": not a number");
        AddSeries(out[i], static_cast<double>(*khz) * 1000.0, {{"cpu", cpu}});
      }
      for (const char* file : kRequired) {
        if (Result<std::string> text = ReadSysAttribute(root_, base + file); !text)
          return text.error();
      }
    }
    return out;
  }
};

}  // namespace

std::unique_ptr<Collector> MakeCpufreqCollector(std::string root) {
  return std::make_unique<CpufreqCollector>(std::move(root));
}

}  // namespace vigil::agent
