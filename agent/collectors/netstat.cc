#include "agent/collectors/netstat.h"

#include "agent/collectors/text.h"
#include "common/metric_builder.h"

namespace vigil::agent {

Result<std::vector<ProtocolStat>> ParseNetstatPairs(std::string_view text) {
  std::vector<ProtocolStat> stats;
  const std::vector<std::string_view> lines = SplitLines(text);
  for (std::size_t i = 0; i + 1 < lines.size(); i += 2) {
    const std::vector<std::string_view> names = SplitFields(lines[i]);
    const std::vector<std::string_view> values = SplitFields(lines[i + 1]);
    if (names.empty() || values.size() != names.size() || names[0] != values[0] ||
        names[0].back() != ':') {
      return MakeError("parse_failed",
                       "mismatched names and values for \"" + std::string(lines[i]) + "\"");
    }
    const std::string protocol(names[0].substr(0, names[0].size() - 1));
    for (std::size_t column = 1; column < names.size(); ++column) {
      std::optional<double> value = ParseDouble(values[column]);
      if (!value) {
        return MakeError("parse_failed", "bad value \"" + std::string(values[column]) + "\" for " +
                                             protocol + " " + std::string(names[column]));
      }
      stats.push_back({protocol, std::string(names[column]), *value});
    }
  }
  return stats;
}

Result<std::vector<ProtocolStat>> ParseSnmp6(std::string_view text) {
  std::vector<ProtocolStat> stats;
  for (std::string_view line : SplitLines(text)) {
    const std::vector<std::string_view> fields = SplitFields(line);
    if (fields.size() < 2) continue;
    const std::size_t six = fields[0].find('6');
    if (six == std::string_view::npos) continue;
    std::optional<double> value = ParseDouble(fields[1]);
    if (!value) {
      return MakeError("parse_failed", "bad value \"" + std::string(fields[1]) + "\" for " +
                                           std::string(fields[0]));
    }
    stats.push_back({std::string(fields[0].substr(0, six + 1)),
                     std::string(fields[0].substr(six + 1)), *value});
  }
  return stats;
}

std::vector<wire::MetricFamily> NetstatFamilies(const std::vector<ProtocolStat>& stats,
                                                NameFilter& fields) {
  std::vector<wire::MetricFamily> out;
  for (const ProtocolStat& stat : stats) {
    const std::string key = stat.protocol + "_" + stat.field;
    if (!fields.Keep(key)) continue;
    auto family = MakeFamily("node_netstat_" + key,
                             "Statistic " + stat.protocol + stat.field + ".",
                             wire::METRIC_TYPE_UNTYPED);
    AddSeries(family, stat.value);
    out.push_back(std::move(family));
  }
  return out;
}

std::unique_ptr<Collector> MakeNetstatCollector(NetstatOptions options) {
  auto fields = std::make_shared<NameFilter>(options.fields, "");
  return MakeFileCollector(
      "netstat", options.root,
      [fields](const ReadRelative& read) -> Result<std::vector<wire::MetricFamily>> {
        std::vector<ProtocolStat> all;
        for (const char* file : {"proc/net/netstat", "proc/net/snmp"}) {
          Result<std::string> text = read(file);
          if (!text) return text.error();
          Result<std::vector<ProtocolStat>> stats = ParseNetstatPairs(*text);
          if (!stats) return MakeError("parse_failed", std::string(file) + ": " + stats.error().message);
          all.insert(all.end(), stats->begin(), stats->end());
        }
        // Without IPv6 there is no snmp6: that is not an error.
        if (Result<std::string> text = read("proc/net/snmp6")) {
          Result<std::vector<ProtocolStat>> stats = ParseSnmp6(*text);
          if (!stats) return MakeError("parse_failed", "proc/net/snmp6: " + stats.error().message);
          all.insert(all.end(), stats->begin(), stats->end());
        }
        return NetstatFamilies(all, *fields);
      });
}

}  // namespace vigil::agent
