#include "agent/collectors/loadavg.h"

#include <cstdlib>
#include <string>

#include "common/metric_builder.h"

namespace vigil::agent {
namespace {

class LoadavgCollector final : public Collector {
 public:
  explicit LoadavgCollector(std::string root) : root_(std::move(root)) {}
  const std::string& name() const override { return name_; }
  Result<std::vector<wire::MetricFamily>> Collect() override {
    Result<std::string> text = ReadFileUnderRoot(root_, "proc/loadavg");
    if (!text) return text.error();
    return ParseLoadavg(*text);
  }

 private:
  const std::string name_ = "loadavg";
  std::string root_;
};

}  // namespace

Result<std::vector<wire::MetricFamily>> ParseLoadavg(std::string_view text) {
  const std::string copy(text);  // strtod needs a terminated string
  const char* cursor = copy.c_str();
  const std::pair<const char*, const char*> specs[] = {{"node_load1", "1m load average."},
                                                       {"node_load5", "5m load average."},
                                                       {"node_load15", "15m load average."}};
  std::vector<wire::MetricFamily> out;
  for (const auto& [name, help] : specs) {
    char* end = nullptr;
    const double value = std::strtod(cursor, &end);
    if (end == cursor) {
      return MakeError("parse_failed", "/proc/loadavg: cannot parse \"" + copy + "\"");
    }
    cursor = end;
    auto family = MakeFamily(name, help, wire::METRIC_TYPE_GAUGE);
    AddSeries(family, value);
    out.push_back(std::move(family));
  }
  return out;
}

std::unique_ptr<Collector> MakeLoadavgCollector(std::string root) {
  return std::make_unique<LoadavgCollector>(std::move(root));
}

}  // namespace vigil::agent
