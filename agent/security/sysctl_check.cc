// sysctl.hardening: kernel settings from /proc/sys that weaken the host.

#include "agent/collectors/text.h"
#include "agent/security/check_modules.h"

namespace vigil::agent {
namespace {

struct Setting {
  const char* name;  // sysctl name
  const char* path;  // under /proc/sys
  bool (*weak)(std::int64_t value);
  const char* wanted;
  const char* why;
};

const Setting kSettings[] = {
    {"kernel.randomize_va_space", "/proc/sys/kernel/randomize_va_space",
     [](std::int64_t v) { return v < 2; }, "2", "address space layout randomisation is not full"},
    {"kernel.kptr_restrict", "/proc/sys/kernel/kptr_restrict",
     [](std::int64_t v) { return v == 0; }, "1", "kernel pointers are shown to every user"},
    {"fs.protected_symlinks", "/proc/sys/fs/protected_symlinks",
     [](std::int64_t v) { return v == 0; }, "1",
     "symlink attacks in world-writable folders are not prevented"},
    {"fs.protected_hardlinks", "/proc/sys/fs/protected_hardlinks",
     [](std::int64_t v) { return v == 0; }, "1", "hardlink attacks are not prevented"},
    {"net.ipv4.tcp_syncookies", "/proc/sys/net/ipv4/tcp_syncookies",
     [](std::int64_t v) { return v == 0; }, "1", "SYN floods are not mitigated"},
    {"net.ipv4.conf.all.accept_redirects", "/proc/sys/net/ipv4/conf/all/accept_redirects",
     [](std::int64_t v) { return v != 0; }, "0", "ICMP redirects can reroute traffic"},
    {"net.ipv6.conf.all.accept_redirects", "/proc/sys/net/ipv6/conf/all/accept_redirects",
     [](std::int64_t v) { return v != 0; }, "0", "ICMPv6 redirects can reroute traffic"},
    {"net.ipv4.ip_forward", "/proc/sys/net/ipv4/ip_forward", [](std::int64_t v) { return v != 0; },
     "0", "the host routes packets between networks"},
};

class SysctlCheck final : public CheckModule {
 public:
  std::vector<std::string> checks() const override { return {"sysctl.hardening"}; }

  std::vector<CheckResult> Run(ScanContext& context,
                               const std::set<std::string>& enabled) override {
    if (enabled.count("sysctl.hardening") == 0) return {};
    CheckResult result{"sysctl.hardening", std::nullopt, {}};
    const auto& settings = context.config().CheckFor(result.check);
    const std::string severity = SeverityFor(context, result.check, "medium");
    int read = 0;
    for (const Setting& setting : kSettings) {
      if (std::string(setting.name) == "net.ipv4.ip_forward" && settings.allow_ip_forward) continue;
      Result<std::string> text = context.Read(setting.path);
      if (!text) continue;  // absent on this kernel (no IPv6, say)
      auto value = ParseInt(Trim(*text));
      if (!value) continue;
      ++read;
      if (!setting.weak(*value)) continue;
      result.findings.push_back(
          {result.check, severity,
           std::string(setting.name) + " = " + std::to_string(*value) + ": " + setting.why,
           std::string(setting.path) + " is " + std::to_string(*value),
           std::string("Set ") + setting.name + " = " + setting.wanted +
               " in /etc/sysctl.d/90-hardening.conf and run sysctl --system" +
               (std::string(setting.name) == "net.ipv4.ip_forward"
                    ? " (or set allow_ip_forward: true if this host routes on purpose)"
                    : ""),
           setting.name});
    }
    if (read == 0)
      result.error = Error{ErrorCode::kReadFailed, "no setting under /proc/sys could be read"};
    return {result};
  }
};

}  // namespace

std::unique_ptr<CheckModule> MakeSysctlCheck() { return std::make_unique<SysctlCheck>(); }

}  // namespace vigil::agent
