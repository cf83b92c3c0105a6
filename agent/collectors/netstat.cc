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
      return MakeError(ErrorCode::kParseFailed,
                       "mismatched names and values for \"" + std::string(lines[i]) + "\"");
    }
    const std::string_view protocol = names[0].substr(0, names[0].size() - 1);
    for (std::size_t column = 1; column < names.size(); ++column) {
      std::optional<double> value = ParseDouble(values[column]);
      if (!value) {
        return MakeError(ErrorCode::kParseFailed, "bad value \"" + std::string(values[column]) +
                                                      "\" for " + std::string(protocol) + " " +
                                                      std::string(names[column]));
      }
      stats.push_back({protocol, names[column], *value});
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
      return MakeError(ErrorCode::kParseFailed, "bad value \"" + std::string(fields[1]) +
                                                    "\" for " + std::string(fields[0]));
    }
    stats.push_back({fields[0].substr(0, six + 1), fields[0].substr(six + 1), *value});
  }
  return stats;
}

std::vector<wire::MetricFamily> NetstatFamilies(const std::vector<ProtocolStat>& stats,
                                                NameFilter& fields) {
  std::vector<wire::MetricFamily> out;
  std::string key;
  for (const ProtocolStat& stat : stats) {
    key.assign(stat.protocol).append("_").append(stat.field);
    if (!fields.Keep(key)) continue;
    auto family =
        MakeFamily("node_netstat_" + key,
                   "Statistic " + std::string(stat.protocol) + std::string(stat.field) + ".",
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
        std::vector<std::string> texts;  // what `all` points into
        texts.reserve(3);
        for (const char* file : {"proc/net/netstat", "proc/net/snmp"}) {
          Result<std::string> text = read(file);
          if (!text) return text.error();
          texts.push_back(std::move(*text));
          Result<std::vector<ProtocolStat>> stats = ParseNetstatPairs(texts.back());
          if (!stats)
            return MakeError(ErrorCode::kParseFailed,
                             std::string(file) + ": " + stats.error().message);
          all.insert(all.end(), stats->begin(), stats->end());
        }
        // Without IPv6 there is no snmp6: that is not an error.
        if (Result<std::string> text = read("proc/net/snmp6")) {
          texts.push_back(std::move(*text));
          Result<std::vector<ProtocolStat>> stats = ParseSnmp6(texts.back());
          if (!stats)
            return MakeError(ErrorCode::kParseFailed, "proc/net/snmp6: " + stats.error().message);
          all.insert(all.end(), stats->begin(), stats->end());
        }
        return NetstatFamilies(all, *fields);
      });
}

}  // namespace vigil::agent
