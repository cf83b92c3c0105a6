#include "agent/collectors/thermal_zone.h"

#include "agent/collectors/text.h"
#include "common/metric_builder.h"

namespace vigil::agent {
namespace {

using Families = std::vector<wire::MetricFamily>;

constexpr const char* kThermal = "sys/class/thermal/";

// The N of every <root>/sys/class/thermal/<prefix>N, in the order of their names.
std::vector<std::string> Numbered(const std::string& root, const std::string& prefix) {
  std::vector<std::string> names = NumberedEntries(root, kThermal, prefix);
  for (std::string& name : names) name = name.substr(prefix.size());
  return names;
}

class ThermalZoneCollector final : public RootCollector {
 public:
  explicit ThermalZoneCollector(std::string root)
      : RootCollector("thermal_zone", std::move(root)) {}

  Result<Families> Collect() override {
    const auto read = [this](const std::string& relative) {
      return ReadFileUnderRoot(root_, relative);
    };
    // Names are read as sysfs attributes (one read of at most 128 bytes), as upstream reads them.
    const auto attribute = [this](const std::string& relative) {
      return ReadSysAttribute(root_, relative);
    };
    const auto read_int = [&](const std::string& relative) -> Result<std::int64_t> {
      Result<std::string> text = read(relative);
      if (!text) return text.error();
      std::optional<std::int64_t> value = ParseInt(Trim(*text));
      if (!value) return MakeError(ErrorCode::kParseFailed, relative + ": not an integer");
      return *value;
    };
    auto temp = MakeFamily("node_thermal_zone_temp", "Zone temperature in Celsius",
                           wire::METRIC_TYPE_GAUGE);
    for (const std::string& zone : Numbered(root_, "thermal_zone")) {
      const std::string base = std::string(kThermal) + "thermal_zone" + zone + "/";
      Result<std::string> type = attribute(base + "type");
      if (!type) return type.error();
      if (Result<std::string> policy = attribute(base + "policy"); !policy) return policy.error();
      Result<std::int64_t> millidegrees = read_int(base + "temp");
      if (!millidegrees && millidegrees.error().code == ErrorCode::kNoData)
        continue;  // sensor not ready
      if (!millidegrees) return millidegrees.error();
      // "passive" is optional, but when present must be a number (as upstream's parser insists).
      if (Result<std::string> passive = read(base + "passive");
          passive && !ParseUint(Trim(*passive))) {
        return MakeError(ErrorCode::kParseFailed, base + "passive: not a number");
      }
      AddSeries(temp, static_cast<double>(*millidegrees) / 1000.0,
                {{"zone", zone}, {"type", *type}});
    }
    Families out;
    out.push_back(std::move(temp));

    auto cur = MakeFamily("node_cooling_device_cur_state",
                          "Current throttle state of the cooling device", wire::METRIC_TYPE_GAUGE);
    auto max = MakeFamily("node_cooling_device_max_state",
                          "Maximum throttle state of the cooling device", wire::METRIC_TYPE_GAUGE);
    for (const std::string& device : Numbered(root_, "cooling_device")) {
      const std::string base = std::string(kThermal) + "cooling_device" + device + "/";
      Result<std::string> type = attribute(base + "type");
      if (!type) return out;  // as upstream: the zones stand, the cooling devices are left out
      Result<std::int64_t> max_state = read_int(base + "max_state");
      Result<std::int64_t> cur_state = read_int(base + "cur_state");
      if (!max_state || !cur_state) return out;
      const LabelPairs labels = {{"name", device}, {"type", *type}};
      AddSeries(cur, static_cast<double>(*cur_state), labels);
      AddSeries(max, static_cast<double>(*max_state), labels);
    }
    out.push_back(std::move(cur));
    out.push_back(std::move(max));
    return out;
  }
};

}  // namespace

std::unique_ptr<Collector> MakeThermalZoneCollector(std::string root) {
  return std::make_unique<ThermalZoneCollector>(std::move(root));
}

}  // namespace vigil::agent
