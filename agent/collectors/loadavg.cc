#include "agent/collectors/loadavg.h"

#include <string>

#include "agent/collectors/text.h"
#include "common/metric_builder.h"

namespace vigil::agent {

Result<std::vector<wire::MetricFamily>> ParseLoadavg(std::string_view text) {
  const std::vector<std::string_view> fields = SplitFields(Trim(text));
  const std::pair<const char*, const char*> specs[] = {{"node_load1", "1m load average."},
                                                       {"node_load5", "5m load average."},
                                                       {"node_load15", "15m load average."}};
  std::vector<wire::MetricFamily> out;
  for (std::size_t i = 0; i < std::size(specs); ++i) {
    std::optional<double> value = i < fields.size() ? ParseDouble(fields[i]) : std::nullopt;
    if (!value) {
      return MakeError(ErrorCode::kParseFailed,
                       "/proc/loadavg: cannot parse \"" + std::string(text) + "\"");
    }
    auto family = MakeFamily(specs[i].first, specs[i].second, wire::METRIC_TYPE_GAUGE);
    AddSeries(family, *value);
    out.push_back(std::move(family));
  }
  return out;
}

std::unique_ptr<Collector> MakeLoadavgCollector(std::string root) {
  return MakeFileCollector("loadavg", std::move(root), [](const ReadRelative& read) {
    Result<std::string> text = read("proc/loadavg");
    if (!text) return Result<std::vector<wire::MetricFamily>>(text.error());
    return ParseLoadavg(*text);
  });
}

}  // namespace vigil::agent
