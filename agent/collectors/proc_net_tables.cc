#include "agent/collectors/proc_net_tables.h"

#include <charconv>
#include <map>

#include "agent/collectors/text.h"
#include "common/metric_builder.h"

namespace vigil::agent {
namespace {

using Families = std::vector<wire::MetricFamily>;

std::optional<std::uint64_t> ParseHex(std::string_view text, std::uint64_t max) {
  std::uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
  if (error != std::errc() || end != text.data() + text.size() || value > max) return std::nullopt;
  return value;
}

bool NotFound(const Error& error) { return error.code == ErrorCode::kNotFound; }

}  // namespace

Result<Families> ParseArp(std::string_view text) {
  std::map<std::string, double> entries;
  for (std::string_view line : SplitLines(text)) {
    const std::vector<std::string_view> columns = SplitFields(line);
    if (columns.size() < 6)
      return MakeError(ErrorCode::kParseFailed, "arp: unexpected ARP table format");
    if (columns[0] != "IP") entries[std::string(columns.back())] += 1;
  }
  auto family = MakeFamily("node_arp_entries", "ARP entries by device", wire::METRIC_TYPE_GAUGE);
  for (const auto& [device, count] : entries) AddSeries(family, count, {{"device", device}});
  Families out;
  out.push_back(std::move(family));
  return out;
}

Result<Families> ParseSoftnet(std::string_view text) {
  auto processed = MakeFamily("node_softnet_processed_total", "Number of processed packets",
                              wire::METRIC_TYPE_COUNTER);
  auto dropped = MakeFamily("node_softnet_dropped_total", "Number of dropped packets",
                            wire::METRIC_TYPE_COUNTER);
  auto squeezed =
      MakeFamily("node_softnet_times_squeezed_total",
                 "Number of times processing packets ran out of quota", wire::METRIC_TYPE_COUNTER);
  int cpu = 0;
  for (std::string_view line : SplitLines(text)) {
    const std::vector<std::string_view> columns = SplitFields(line);
    if (columns.size() < 9) {
      return MakeError(ErrorCode::kParseFailed, "softnet_stat: " + std::to_string(columns.size()) +
                                                    " columns, at least 9 expected");
    }
    wire::MetricFamily* families[] = {&processed, &dropped, &squeezed};
    const LabelPairs labels = {{"cpu", std::to_string(cpu)}};
    for (int i = 0; i < 3; ++i) {
      std::optional<std::uint64_t> value =
          ParseHex(columns[static_cast<std::size_t>(i)], 0xffffffff);
      if (!value)
        return MakeError(ErrorCode::kParseFailed,
                         "softnet_stat: bad hex field on line " + std::to_string(cpu + 1));
      AddSeries(*families[i], static_cast<double>(*value), labels);
    }
    ++cpu;
  }
  Families out;
  for (auto* family : {&processed, &dropped, &squeezed}) out.push_back(std::move(*family));
  return out;
}

Result<UdpQueues> SumUdpQueues(std::string_view text) {
  UdpQueues sum;
  const std::vector<std::string_view> lines = SplitLines(text);
  for (std::size_t i = 1; i < lines.size(); ++i) {  // the first line is the header
    const std::vector<std::string_view> fields = SplitFields(lines[i]);
    if (fields.size() < 10)
      return MakeError(ErrorCode::kParseFailed, "udp: a socket line has fewer than 10 columns");
    const std::string_view queues = fields[4];
    const std::size_t colon = queues.find(':');
    std::optional<std::uint64_t> tx, rx;
    if (colon != std::string_view::npos) {
      tx = ParseHex(queues.substr(0, colon), UINT64_MAX);
      rx = ParseHex(queues.substr(colon + 1), UINT64_MAX);
    }
    if (!tx || !rx)
      return MakeError(ErrorCode::kParseFailed,
                       "udp: bad tx_queue:rx_queue \"" + std::string(queues) + "\"");
    sum.tx += *tx;
    sum.rx += *rx;
  }
  return sum;
}

Gather UdpQueuesGather() {
  return [](const ReadRelative& read) -> Result<Families> {
    auto family = MakeFamily("node_udp_queues",
                             "Number of allocated memory in the kernel for UDP datagrams in bytes.",
                             wire::METRIC_TYPE_GAUGE);
    for (const auto& [file, ip] :
         {std::pair{"proc/net/udp", "v4"}, std::pair{"proc/net/udp6", "v6"}}) {
      Result<std::string> text = read(file);
      if (!text) {
        if (NotFound(text.error())) continue;  // no IPv6, say
        return text.error();
      }
      Result<UdpQueues> sum = SumUdpQueues(*text);
      if (!sum) return sum.error();
      AddSeries(family, static_cast<double>(sum->tx), {{"queue", "tx"}, {"ip", ip}});
      AddSeries(family, static_cast<double>(sum->rx), {{"queue", "rx"}, {"ip", ip}});
    }
    Families out;
    out.push_back(std::move(family));
    return out;
  };
}

Gather ConntrackGather() {
  return [](const ReadRelative& read) -> Result<Families> {
    Families out;
    const auto gauge = [&out](const char* name, const char* help, double value) {
      auto family = MakeFamily(name, help, wire::METRIC_TYPE_GAUGE);
      AddSeries(family, value);
      out.push_back(std::move(family));
    };
    Result<std::uint64_t> count = ReadUintFile(read, "proc/sys/net/netfilter/nf_conntrack_count");
    if (!count) return NotFound(count.error()) ? Result<Families>(Families{}) : count.error();
    gauge("node_nf_conntrack_entries",
          "Number of currently allocated flow entries for connection tracking.",
          static_cast<double>(*count));
    Result<std::uint64_t> limit = ReadUintFile(read, "proc/sys/net/netfilter/nf_conntrack_max");
    if (!limit) return NotFound(limit.error()) ? Result<Families>(std::move(out)) : limit.error();
    gauge("node_nf_conntrack_entries_limit", "Maximum size of connection tracking table.",
          static_cast<double>(*limit));

    Result<std::string> table = read("proc/net/stat/nf_conntrack");
    if (!table) return NotFound(table.error()) ? Result<Families>(std::move(out)) : table.error();
    // Per CPU, hexadecimal, after a header line; the columns node_exporter sums.
    struct Column {
      std::size_t index;
      const char* name;
      const char* help;
    };
    static const Column kColumns[] = {
        {2, "node_nf_conntrack_stat_found", "Number of searched entries which were successful."},
        {4, "node_nf_conntrack_stat_invalid", "Number of packets seen which can not be tracked."},
        {5, "node_nf_conntrack_stat_ignore",
         "Number of packets seen which are already connected to a conntrack entry."},
        {8, "node_nf_conntrack_stat_insert", "Number of entries inserted into the list."},
        {9, "node_nf_conntrack_stat_insert_failed",
         "Number of entries for which list insertion was attempted but failed."},
        {10, "node_nf_conntrack_stat_drop", "Number of packets dropped due to conntrack failure."},
        {11, "node_nf_conntrack_stat_early_drop",
         "Number of dropped conntrack entries to make room for new ones, if maximum table size was "
         "reached."},
        {16, "node_nf_conntrack_stat_search_restart",
         "Number of conntrack table lookups which had to be restarted due to hashtable resizes."}};
    std::uint64_t sums[std::size(kColumns)] = {};
    const std::vector<std::string_view> lines = SplitLines(*table);
    for (std::size_t i = 1; i < lines.size(); ++i) {
      const std::vector<std::string_view> fields = SplitFields(lines[i]);
      if (fields.size() != 17) {
        return MakeError(
            ErrorCode::kParseFailed,
            "nf_conntrack stat: " + std::to_string(fields.size()) + " columns, 17 expected");
      }
      for (std::size_t c = 0; c < std::size(kColumns); ++c) {
        std::optional<std::uint64_t> value = ParseHex(fields[kColumns[c].index], UINT64_MAX);
        if (!value) return MakeError(ErrorCode::kParseFailed, "nf_conntrack stat: bad hex field");
        sums[c] += *value;
      }
    }
    for (std::size_t c = 0; c < std::size(kColumns); ++c) {
      gauge(kColumns[c].name, kColumns[c].help, static_cast<double>(sums[c]));
    }
    return out;
  };
}

std::unique_ptr<Collector> MakeArpCollector(std::string root) {
  return MakeFileCollector(
      "arp", std::move(root), [](const ReadRelative& read) -> Result<Families> {
        Result<std::string> text = read("proc/net/arp");
        if (!text) return NotFound(text.error()) ? Result<Families>(Families{}) : text.error();
        return ParseArp(*text);
      });
}

std::unique_ptr<Collector> MakeConntrackCollector(std::string root) {
  return MakeFileCollector("conntrack", std::move(root), ConntrackGather());
}

std::unique_ptr<Collector> MakeSoftnetCollector(std::string root) {
  return MakeFileCollector(
      "softnet", std::move(root), [](const ReadRelative& read) -> Result<Families> {
        Result<std::string> text = read("proc/net/softnet_stat");
        if (!text) return NotFound(text.error()) ? Result<Families>(Families{}) : text.error();
        return ParseSoftnet(*text);
      });
}

std::unique_ptr<Collector> MakeUdpQueuesCollector(std::string root) {
  return MakeFileCollector("udp_queues", std::move(root), UdpQueuesGather());
}

}  // namespace vigil::agent
