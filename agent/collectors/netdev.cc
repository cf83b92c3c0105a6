#include "agent/collectors/netdev.h"

#include "agent/collectors/name_filter.h"
#include "agent/collectors/text.h"
#include "common/metric_builder.h"

namespace vigil::agent {

Result<std::vector<wire::MetricFamily>> ParseNetdev(
    std::string_view text, const std::function<bool(const std::string&)>& keep) {
  const std::vector<std::string_view> lines = SplitLines(text);
  if (lines.size() < 2) return MakeError(ErrorCode::kParseFailed, "/proc/net/dev: no header");
  // Header line 2: "face |bytes packets ... |bytes packets ..." — receive then transmit columns.
  const std::string_view header = lines[1];
  const std::size_t first_bar = header.find('|');
  const std::size_t second_bar = header.find('|', first_bar + 1);
  if (first_bar == std::string_view::npos || second_bar == std::string_view::npos) {
    return MakeError(ErrorCode::kParseFailed, "/proc/net/dev: unexpected header");
  }
  std::vector<std::string> names;
  for (std::string_view column :
       SplitFields(header.substr(first_bar + 1, second_bar - first_bar - 1))) {
    names.push_back("receive_" + std::string(column));
  }
  for (std::string_view column : SplitFields(header.substr(second_bar + 1))) {
    names.push_back("transmit_" + std::string(column));
  }
  std::vector<wire::MetricFamily> families;
  for (const std::string& column : names) {
    families.push_back(MakeFamily("node_network_" + column + "_total",
                                  "Network device statistic " + column + ".",
                                  wire::METRIC_TYPE_COUNTER));
  }
  for (std::size_t i = 2; i < lines.size(); ++i) {
    const std::size_t colon = lines[i].find(':');
    if (colon == std::string_view::npos) continue;
    const std::string device(Trim(lines[i].substr(0, colon)));
    if (!keep(device)) continue;
    const std::vector<std::string_view> values = SplitFields(lines[i].substr(colon + 1));
    if (values.size() != names.size()) {
      return MakeError(ErrorCode::kParseFailed, "/proc/net/dev: " + std::to_string(values.size()) +
                                                    " values for device " + device + ", expected " +
                                                    std::to_string(names.size()));
    }
    for (std::size_t column = 0; column < values.size(); ++column) {
      std::optional<std::uint64_t> value = ParseUint(values[column]);
      if (!value)
        return MakeError(ErrorCode::kParseFailed, "/proc/net/dev: bad number for " + device);
      AddSeries(families[column], static_cast<double>(*value), {{"device", device}});
    }
  }
  std::vector<wire::MetricFamily> out;
  for (auto& family : families) {
    if (family.series_size() > 0) out.push_back(std::move(family));
  }
  return out;
}

void AddNohandler(const ReadRelative& read, std::vector<wire::MetricFamily>& families) {
  if (families.empty()) return;
  auto nohandler =
      MakeFamily("node_network_receive_nohandler_total",
                 "Network device statistic receive_nohandler.", wire::METRIC_TYPE_COUNTER);
  for (const wire::Series& series : families.front().series()) {
    const std::string& device = series.labels(0).value();
    if (device.find('/') != std::string::npos || device == "." || device == "..") continue;
    Result<std::string> text = read("sys/class/net/" + device + "/statistics/rx_nohandler");
    if (!text) continue;  // before Linux 4.6, or the device went away
    if (std::optional<std::uint64_t> value = ParseUint(Trim(*text))) {
      AddSeries(nohandler, static_cast<double>(*value), {{"device", device}});
    }
  }
  if (nohandler.series_size() > 0) families.push_back(std::move(nohandler));
}

std::unique_ptr<Collector> MakeNetdevCollector(NetdevOptions options) {
  // As in node_exporter, a device include list replaces the exclusions.
  auto devices = std::make_shared<NameFilter>(
      options.device_include, options.device_include.empty() ? options.device_exclude : "");
  auto keep = [devices](const std::string& device) { return devices->Keep(device); };
  return MakeFileCollector(
      "netdev", options.root,
      [keep](const ReadRelative& read) -> Result<std::vector<wire::MetricFamily>> {
        Result<std::string> text = read("proc/net/dev");
        if (!text) return text.error();
        auto families = ParseNetdev(*text, keep);
        if (families) AddNohandler(read, *families);
        return families;
      });
}

}  // namespace vigil::agent
