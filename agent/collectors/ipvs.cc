#include "agent/collectors/ipvs.h"

#include <arpa/inet.h>

#include <map>

#include "agent/collectors/text.h"
#include "common/metric_builder.h"

namespace vigil::agent {
namespace {

using Families = std::vector<wire::MetricFamily>;

struct Endpoint {
  std::string address;
  std::uint16_t port = 0;
};

// "0A000001:0050" or "[2001:0db8:0000:0000:0000:0000:0000:0001]:0050", as the kernel writes them,
// to the address as Go's net.IP prints it ("10.0.0.1", "2001:db8::1", a v4-mapped one as v4).
std::optional<Endpoint> ParseEndpoint(std::string_view text) {
  Endpoint endpoint;
  if (text.size() == 13) {
    const std::optional<std::uint64_t> raw =
        ParseUintAnyBase("0x" + std::string(text.substr(0, 8)));
    if (!raw) return std::nullopt;
    endpoint.address = std::to_string(*raw >> 24) + "." + std::to_string((*raw >> 16) & 0xff) +
                       "." + std::to_string((*raw >> 8) & 0xff) + "." + std::to_string(*raw & 0xff);
  } else if (text.size() == 46) {
    in6_addr address{};
    if (inet_pton(AF_INET6, std::string(text.substr(1, 39)).c_str(), &address) != 1)
      return std::nullopt;
    char printed[INET6_ADDRSTRLEN];
    if (IN6_IS_ADDR_V4MAPPED(&address)) {
      inet_ntop(AF_INET, &address.s6_addr[12], printed, sizeof printed);
    } else {
      inet_ntop(AF_INET6, &address, printed, sizeof printed);
    }
    endpoint.address = printed;
  } else {
    return std::nullopt;
  }
  const std::string_view port_hex = text.substr(text.size() - 4);
  const std::optional<std::uint64_t> port = ParseUintAnyBase("0x" + std::string(port_hex));
  if (!port || *port > 0xffff || port_hex.find_first_of("+-_xX") != std::string_view::npos)
    return std::nullopt;
  endpoint.port = static_cast<std::uint16_t>(*port);
  return endpoint;
}

// The kernel's totals are hexadecimal, in the third line.
Result<std::vector<std::uint64_t>> ParseTotals(std::string_view text) {
  std::vector<std::string_view> lines;
  for (int i = 0; i < 3; ++i) {
    const std::size_t end = text.find('\n');
    if (end == std::string_view::npos)
      return MakeError(ErrorCode::kParseFailed, "proc/net/ip_vs_stats: too short");
    lines.push_back(text.substr(0, end));
    text.remove_prefix(end + 1);
  }
  const std::vector<std::string_view> fields = SplitWords(lines[2]);
  if (fields.size() != 5)
    return MakeError(ErrorCode::kParseFailed, "proc/net/ip_vs_stats: expected 5 totals");
  std::vector<std::uint64_t> totals;
  for (std::string_view field : fields) {
    const std::optional<std::uint64_t> value = ParseUintAnyBase("0x" + std::string(field));
    if (!value || field.find_first_of("_xX") != std::string_view::npos) {
      return MakeError(ErrorCode::kParseFailed,
                       "proc/net/ip_vs_stats: \"" + std::string(field) + "\" is not hexadecimal");
    }
    totals.push_back(*value);
  }
  return totals;
}

struct BackendSums {
  std::uint64_t active = 0;
  std::uint64_t inactive = 0;
  std::uint64_t weight = 0;
};

// Backends summed by their labels (sorted label pairs, as the map key).
Result<std::map<LabelPairs, BackendSums>> ParseBackends(std::string_view text) {
  std::map<LabelPairs, BackendSums> sums;
  std::string proto, mark;
  Endpoint local;
  bool has_local_address = false;
  for (std::string_view line : SplitLines(text)) {
    const std::vector<std::string_view> fields = SplitWords(line);
    if (fields.size() < 2 || fields[0] == "IP" || fields[0] == "Prot" ||
        fields[1] == "RemoteAddress:Port")
      continue;
    if (fields[0] == "TCP" || fields[0] == "UDP") {
      const std::optional<Endpoint> endpoint = ParseEndpoint(fields[1]);
      if (!endpoint)
        return MakeError(ErrorCode::kParseFailed,
                         "proc/net/ip_vs: unexpected address " + std::string(fields[1]));
      proto = std::string(fields[0]);
      mark.clear();
      local = *endpoint;
      has_local_address = true;
    } else if (fields[0] == "FWM") {
      proto = "FWM";
      mark = std::string(fields[1]);
      local = Endpoint{};
      has_local_address = false;
    } else if (fields[0] == "->" && fields.size() >= 6) {
      const std::optional<Endpoint> remote = ParseEndpoint(fields[1]);
      if (!remote)
        return MakeError(ErrorCode::kParseFailed,
                         "proc/net/ip_vs: unexpected address " + std::string(fields[1]));
      const std::optional<std::uint64_t> weight = ParseUint(fields[3]);
      const std::optional<std::uint64_t> active = ParseUint(fields[4]);
      const std::optional<std::uint64_t> inactive = ParseUint(fields[5]);
      if (!weight || !active || !inactive) {
        return MakeError(ErrorCode::kParseFailed,
                         "proc/net/ip_vs: bad counts for " + std::string(fields[1]));
      }
      const LabelPairs labels = {{"local_address", has_local_address ? local.address : ""},
                                 {"local_mark", mark},
                                 {"local_port", std::to_string(local.port)},
                                 {"proto", proto},
                                 {"remote_address", remote->address},
                                 {"remote_port", std::to_string(remote->port)}};
      BackendSums& sum = sums[labels];
      sum.active += *active;
      sum.inactive += *inactive;
      sum.weight += *weight;
    }
  }
  return sums;
}

class IpvsCollector final : public RootCollector {
 public:
  explicit IpvsCollector(std::string root) : RootCollector("ipvs", std::move(root)) {}

  Result<Families> Collect() override {
    Result<std::string> stats = ReadFileUnderRoot(root_, "proc/net/ip_vs_stats");
    if (!stats)
      return stats.error().code == ErrorCode::kNotFound ? Result<Families>(Families{})
                                                        : stats.error();
    Result<std::vector<std::uint64_t>> totals = ParseTotals(*stats);
    if (!totals) return totals.error();
    Families out;
    const std::pair<const char*, const char*> kTotals[] = {
        {"node_ipvs_connections_total", "The total number of connections made."},
        {"node_ipvs_incoming_packets_total", "The total number of incoming packets."},
        {"node_ipvs_outgoing_packets_total", "The total number of outgoing packets."},
        {"node_ipvs_incoming_bytes_total", "The total amount of incoming data."},
        {"node_ipvs_outgoing_bytes_total", "The total amount of outgoing data."}};
    for (std::size_t i = 0; i < std::size(kTotals); ++i) {
      auto family = MakeFamily(kTotals[i].first, kTotals[i].second, wire::METRIC_TYPE_COUNTER);
      AddSeries(family, static_cast<double>((*totals)[i]));
      out.push_back(std::move(family));
    }
    Result<std::string> table = ReadFileUnderRoot(root_, "proc/net/ip_vs");
    if (!table) return table.error();
    Result<std::map<LabelPairs, BackendSums>> backends = ParseBackends(*table);
    if (!backends) return backends.error();
    auto active = MakeFamily("node_ipvs_backend_connections_active",
                             "The current active connections by local and remote address.",
                             wire::METRIC_TYPE_GAUGE);
    auto inactive = MakeFamily("node_ipvs_backend_connections_inactive",
                               "The current inactive connections by local and remote address.",
                               wire::METRIC_TYPE_GAUGE);
    auto weight = MakeFamily("node_ipvs_backend_weight",
                             "The current backend weight by local and remote address.",
                             wire::METRIC_TYPE_GAUGE);
    for (const auto& [labels, sum] : *backends) {
      AddSeries(active, static_cast<double>(sum.active), labels);
      AddSeries(inactive, static_cast<double>(sum.inactive), labels);
      AddSeries(weight, static_cast<double>(sum.weight), labels);
    }
    for (auto* family : {&active, &inactive, &weight}) out.push_back(std::move(*family));
    return out;
  }
};

}  // namespace

std::unique_ptr<Collector> MakeIpvsCollector(std::string root) {
  return std::make_unique<IpvsCollector>(std::move(root));
}

}  // namespace vigil::agent
