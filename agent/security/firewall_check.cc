// firewall.inactive: no packet filter rules loaded. iptables (legacy) tables from
// /proc/net/ip_tables_names and ip6_tables_names; nftables rules by a netlink dump, on the live
// root only and where permitted (it needs CAP_NET_ADMIN).

#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "agent/collectors/text.h"
#include "agent/security/check_modules.h"

namespace vigil::agent {
namespace {

// The number of nftables rules in every family; an error (EPERM without CAP_NET_ADMIN).
Result<int> CountNftRules() {
  const int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
  if (fd < 0)
    return MakeError(ErrorCode::kIoError, std::string("netlink socket: ") + std::strerror(errno));
  struct Request {
    nlmsghdr header;
    nfgenmsg body;
  } request{};
  request.header.nlmsg_len = sizeof request;
  request.header.nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETRULE;
  request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  request.header.nlmsg_seq = 1;
  request.body.nfgen_family = AF_UNSPEC;
  request.body.version = NFNETLINK_V0;
  if (send(fd, &request, sizeof request, 0) < 0) {
    const int error = errno;
    close(fd);
    return MakeError(ErrorCode::kIoError, std::string("netlink send: ") + std::strerror(error));
  }
  int rules = 0;
  alignas(nlmsghdr) char buffer[65536];
  timeval timeout{2, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  for (;;) {
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n < 0) {
      const int error = errno;
      close(fd);
      return MakeError(ErrorCode::kIoError,
                       std::string("netlink receive: ") + std::strerror(error));
    }
    int left = static_cast<int>(n);
    for (auto* message = reinterpret_cast<nlmsghdr*>(buffer); NLMSG_OK(message, left);
         message = NLMSG_NEXT(message, left)) {
      if (message->nlmsg_type == NLMSG_DONE) {
        close(fd);
        return rules;
      }
      if (message->nlmsg_type == NLMSG_ERROR) {
        const auto* failure = static_cast<const nlmsgerr*>(NLMSG_DATA(message));
        close(fd);
        return MakeError(ErrorCode::kIoError,
                         std::string("nftables: ") + std::strerror(-failure->error));
      }
      if ((message->nlmsg_type & 0xff) == NFT_MSG_NEWRULE) ++rules;
    }
  }
}

std::vector<std::string> TableNames(ScanContext& context, const char* file) {
  std::vector<std::string> names;
  if (Result<std::string> text = context.Read(file)) {
    for (std::string_view line : SplitLines(*text)) {
      if (!Trim(line).empty()) names.emplace_back(Trim(line));
    }
  }
  return names;
}

class FirewallCheck final : public CheckModule {
 public:
  std::vector<std::string> checks() const override { return {"firewall.inactive"}; }

  std::vector<CheckResult> Run(ScanContext& context,
                               const std::set<std::string>& enabled) override {
    if (enabled.count("firewall.inactive") == 0) return {};
    CheckResult result{"firewall.inactive", std::nullopt, {}};
    std::vector<std::string> tables = TableNames(context, "/proc/net/ip_tables_names");
    for (const std::string& name : TableNames(context, "/proc/net/ip6_tables_names")) {
      tables.push_back("ip6 " + name);
    }
    if (!tables.empty()) return {result};  // iptables tables are loaded
    std::string nft = "not consulted (the scan root is not the live system)";
    if (context.root() == "/" || context.root().empty()) {
      Result<int> rules = CountNftRules();
      if (!rules) {
        result.error =
            Error{ErrorCode::kReadFailed,
                  "no iptables tables, and nftables could not be read: " + rules.error().message};
        return {result};
      }
      if (*rules > 0) return {result};
      nft = "no rules";
    }
    result.findings.push_back(
        {result.check, SeverityFor(context, result.check, "low"), "No firewall rules are loaded",
         "/proc/net/ip_tables_names and ip6_tables_names are empty; nftables: " + nft,
         "Load a packet filter that allows only the services this host offers (nftables: "
         "/etc/nftables.conf and systemctl enable --now nftables).",
         "host"});
    return {result};
  }
};

}  // namespace

std::unique_ptr<CheckModule> MakeFirewallCheck() { return std::make_unique<FirewallCheck>(); }

}  // namespace vigil::agent
