// net.listening_new: listening TCP sockets and bound UDP sockets from
// /proc/net/{tcp,tcp6,udp,udp6}, with the owning process where /proc/PID/fd is readable, against an
// accepted baseline and the allowlist. Also vigil_listening_sockets{proto}.

#include <nlohmann/json.hpp>

#include <cctype>
#include <map>

#include "agent/collectors/text.h"
#include "agent/security/check_modules.h"
#include "agent/security/listening_sockets.h"
#include "common/metric_builder.h"

namespace vigil::agent {
namespace {

// "tcp:22" matches any address, "tcp:127.0.0.1:53" one, "tcp:*" every port.
bool Allowed(const ListeningSocket& socket, const std::vector<std::string>& allow) {
  const std::string family = socket.proto.substr(0, 3);  // tcp6 -> tcp
  for (const std::string& pattern : allow) {
    const std::size_t colon = pattern.find(':');
    if (pattern.substr(0, colon) != family) continue;
    const std::string rest = pattern.substr(colon + 1);
    if (rest == "*") return true;
    const std::size_t last = rest.rfind(':');
    const std::string port = last == std::string::npos ? rest : rest.substr(last + 1);
    if (port != std::to_string(socket.port)) continue;
    if (last == std::string::npos) return true;
    std::string address = rest.substr(0, last);
    if (address.size() > 2 && address.front() == '[')
      address = address.substr(1, address.size() - 2);
    if (address == socket.address) return true;
  }
  return false;
}

struct PortRange {
  int low = 32768;  // Linux's default net.ipv4.ip_local_port_range
  int high = 60999;
};

PortRange EphemeralPorts(ScanContext& context) {
  PortRange range;
  Result<std::string> text = context.Read("/proc/sys/net/ipv4/ip_local_port_range");
  if (!text) return range;
  const std::vector<std::string_view> fields = SplitFields(*text);
  if (fields.size() != 2) return range;
  auto low = ParseUint(fields[0]);
  auto high = ParseUint(fields[1]);
  if (low && high && *low <= *high && *high <= 65535) {
    range = {static_cast<int>(*low), static_cast<int>(*high)};
  }
  return range;
}

// A UDP socket a process holds on a wildcard address and an ephemeral port is, almost always, a
// client that sends without connect(2) and was given the port by the kernel: it changes with every
// restart and would be a new finding each time. Kernel sockets (inode 0: WireGuard, VXLAN) and
// sockets bound to one address are chosen on purpose and stay judged.
bool EphemeralUdpClient(const ListeningSocket& socket, const PortRange& ports) {
  return socket.proto.rfind("udp", 0) == 0 && socket.inode != 0 &&
         (socket.address == "0.0.0.0" || socket.address == "::") && socket.port >= ports.low &&
         socket.port <= ports.high;
}

// inode -> "comm (pid N)", for the sockets' owners.
std::map<std::uint64_t, std::string> SocketOwners(ScanContext& context) {
  std::map<std::uint64_t, std::string> owners;
  for (const std::string& pid : context.List("/proc")) {
    if (pid.empty() || !std::isdigit(static_cast<unsigned char>(pid[0]))) continue;
    const std::string fds = "/proc/" + pid + "/fd";
    std::string comm;
    for (const std::string& fd : context.List(fds)) {
      std::optional<std::string> target = context.ReadLink(fds + "/" + fd);
      if (!target || target->rfind("socket:[", 0) != 0) continue;
      auto inode = ParseUint(std::string_view(*target).substr(8, target->size() - 9));
      if (!inode) continue;
      if (comm.empty()) {
        Result<std::string> name = context.Read("/proc/" + pid + "/comm");
        comm = name ? std::string(Trim(*name)) : "?";
      }
      owners.emplace(*inode, comm + " (pid " + pid + ")");
    }
  }
  return owners;
}

class ListeningCheck final : public CheckModule {
 public:
  std::vector<std::string> checks() const override { return {"net.listening_new"}; }

  std::vector<CheckResult> Run(ScanContext& context,
                               const std::set<std::string>& enabled) override {
    if (enabled.count("net.listening_new") == 0) return {};
    CheckResult result{"net.listening_new", std::nullopt, {}};
    std::vector<ListeningSocket> sockets;
    bool any = false;
    auto counts = MakeFamily("vigil_listening_sockets",
                             "Listening TCP and bound UDP sockets on the host, by protocol.",
                             wire::METRIC_TYPE_GAUGE);
    for (const char* proto : {"tcp", "tcp6", "udp", "udp6"}) {
      Result<std::string> table = context.Read(std::string("/proc/net/") + proto);
      if (!table) continue;  // no IPv6, say
      any = true;
      std::vector<ListeningSocket> some = ParseListeningSockets(*table, proto);
      AddSeries(counts, static_cast<double>(some.size()), {{"proto", proto}});
      sockets.insert(sockets.end(), some.begin(), some.end());
    }
    if (!any) {
      result.error =
          Error{ErrorCode::kReadFailed, "none of /proc/net/{tcp,tcp6,udp,udp6} can be read"};
      return {result};
    }
    context.families().push_back(std::move(counts));
    if (!context.config().CheckFor(result.check).ephemeral_udp) {
      const PortRange ports = EphemeralPorts(context);
      std::erase_if(sockets,
                    [&](const ListeningSocket& s) { return EphemeralUdpClient(s, ports); });
    }
    std::optional<nlohmann::json> baseline = context.LoadState("listening");
    if (!baseline || !baseline->contains("sockets") || context.Accepting(result.check)) {
      nlohmann::json accepted = {{"sockets", nlohmann::json::array()}};
      for (const ListeningSocket& socket : sockets) accepted["sockets"].push_back(socket.Key());
      if (Status saved = context.SaveState("listening", accepted); !saved)
        result.error = saved.error();
      return {result};
    }
    std::set<std::string> known;
    for (const auto& key : (*baseline)["sockets"]) known.insert(key.get<std::string>());
    const std::vector<std::string>& allow = context.config().CheckFor(result.check).allow;
    const std::string severity = SeverityFor(context, result.check, "medium");
    std::map<std::uint64_t, std::string> owners;
    bool owners_read = false;
    std::set<std::string> reported;
    for (const ListeningSocket& socket : sockets) {
      const std::string key = socket.Key();
      if (known.count(key) || Allowed(socket, allow) || !reported.insert(key).second) continue;
      if (!owners_read) {
        owners = SocketOwners(context);
        owners_read = true;
      }
      auto owner = owners.find(socket.inode);
      const std::string process = owner == owners.end() ? "owner not readable" : owner->second;
      result.findings.push_back(
          {result.check, severity, "New listening socket " + key,
           key + " (" + process + "), not in the baseline",
           "If the service is expected, accept it (vigil-agent baseline accept net.listening_new) "
           "or allow it (\"" +
               socket.proto.substr(0, 3) + ":" + std::to_string(socket.port) +
               "\"); otherwise stop the process and find out what started it.",
           key});
    }
    return {result};
  }
};

}  // namespace

std::unique_ptr<CheckModule> MakeListeningCheck() { return std::make_unique<ListeningCheck>(); }

}  // namespace vigil::agent
