#include "agent/collectors/tcpstat.h"

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/metric_builder.h"

namespace vigil::agent {
namespace {

using Families = std::vector<wire::MetricFamily>;

// The kernel's TCP states (1 = TCP_ESTABLISHED … 11 = TCP_CLOSING), named as upstream names them.
const char* StateName(std::uint8_t state) {
  static const char* const kNames[] = {"unknown",    "established", "syn_sent",  "syn_recv",
                                       "fin_wait1",  "fin_wait2",   "time_wait", "close",
                                       "close_wait", "last_ack",    "listen",    "closing"};
  return state < std::size(kNames) ? kNames[state] : "unknown";
}

Error NetlinkError(const char* step) {
  return MakeError(ErrorCode::kIoError,
                   std::string("inet_diag ") + step + ": " + std::strerror(errno));
}

class TcpstatCollector final : public RootCollector {
 public:
  explicit TcpstatCollector(std::string root) : RootCollector("tcpstat", std::move(root)) {}

  Result<Families> Collect() override {
    Result<std::map<std::string, double>> states = TcpStatesOf(AF_INET);
    if (!states) return states.error();
    std::error_code ec;
    if (std::filesystem::exists(std::filesystem::path(root_) / "proc/net/tcp6", ec)) {
      Result<std::map<std::string, double>> v6 = TcpStatesOf(AF_INET6);
      if (!v6) return v6.error();
      for (const auto& [state, count] : *v6) (*states)[state] += count;
    }
    auto family = MakeFamily("node_tcp_connection_states", "Number of connection states.",
                             wire::METRIC_TYPE_GAUGE);
    for (const auto& [state, count] : *states) AddSeries(family, count, {{"state", state}});
    Families out;
    out.push_back(std::move(family));
    return out;
  }
};

}  // namespace

Result<std::map<std::string, double>> TcpStatesOf(int family) {
  const int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_INET_DIAG);
  if (fd < 0) return NetlinkError("socket");
  struct Request {
    nlmsghdr header;
    inet_diag_req_v2 body;
  } request{};
  request.header.nlmsg_len = sizeof request;
  request.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  request.body.sdiag_family = static_cast<std::uint8_t>(family);
  request.body.sdiag_protocol = IPPROTO_TCP;
  request.body.idiag_states = 0xfff;  // every state
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (sendto(fd, &request, sizeof request, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) <
      0) {
    Error error = NetlinkError("send");
    close(fd);
    return error;
  }
  std::map<std::string, double> states;
  alignas(nlmsghdr) char buffer[32768];
  for (bool done = false; !done;) {
    const ssize_t received = recv(fd, buffer, sizeof buffer, 0);
    if (received < 0) {
      if (errno == EINTR) continue;
      Error error = NetlinkError("receive");
      close(fd);
      return error;
    }
    if (received == 0) break;
    int remaining = static_cast<int>(received);
    for (auto* message = reinterpret_cast<nlmsghdr*>(buffer); NLMSG_OK(message, remaining);
         message = NLMSG_NEXT(message, remaining)) {
      if (message->nlmsg_type == NLMSG_DONE) {
        done = true;
        break;
      }
      if (message->nlmsg_type == NLMSG_ERROR) {
        const auto* failure = static_cast<const nlmsgerr*>(NLMSG_DATA(message));
        errno = -failure->error;
        Error error = NetlinkError("dump");
        close(fd);
        return error;
      }
      const auto* socket_info = static_cast<const inet_diag_msg*>(NLMSG_DATA(message));
      states["tx_queued_bytes"] += socket_info->idiag_wqueue;
      states["rx_queued_bytes"] += socket_info->idiag_rqueue;
      states[StateName(socket_info->idiag_state)] += 1;
    }
  }
  close(fd);
  return states;
}

std::unique_ptr<Collector> MakeTcpstatCollector(std::string root) {
  return std::make_unique<TcpstatCollector>(std::move(root));
}

}  // namespace vigil::agent
