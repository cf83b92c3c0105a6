#include "config/detail/security_section.h"

#include <algorithm>
#include <charconv>

namespace vigil::config {
namespace {

using Check = AgentConfig::Security::Check;

// The keys each check takes beyond enabled and severity.
const std::map<std::string, std::vector<std::string>>& CheckParameters() {
  static const std::map<std::string, std::vector<std::string>> parameters = {
      {"files.world_writable", {"paths"}},
      {"files.suid_new", {"paths", "allow"}},
      {"fim.changed", {"paths"}},
      {"net.listening_new", {"allow", "ephemeral_udp"}},
      {"tls.cert_expiry", {"files", "warn_within"}},
      {"auth.failed_logins", {"threshold", "log_file"}},
      {"sysctl.hardening", {"allow_ip_forward"}},
  };
  return parameters;
}

// Host paths: absolute, read below security.root at scan time (not relative to this file).
void ReadHostPaths(const Field& field, std::vector<std::string>& out) {
  if (!field.Read(out, /*allow_scalar=*/true)) return;
  const std::vector<Field> elements = field.Elements(/*allow_scalar=*/true);
  for (std::size_t i = 0; i < out.size() && i < elements.size(); ++i) {
    if (out[i].empty() || out[i].front() != '/') {
      elements[i].Report("expected an absolute path on the scanned host, like /etc/ssh");
    }
  }
}

// "tcp:22", "udp:53", "tcp:127.0.0.1:5432", "tcp:[::1]:631", "tcp:*".
bool IsSocketPattern(const std::string& text) {
  const std::size_t colon = text.find(':');
  if (colon == std::string::npos) return false;
  const std::string proto = text.substr(0, colon);
  if (proto != "tcp" && proto != "udp") return false;
  const std::string rest = text.substr(colon + 1);
  if (rest == "*") return true;
  const std::size_t last = rest.rfind(':');
  const std::string port = last == std::string::npos ? rest : rest.substr(last + 1);
  int value = 0;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  return ec == std::errc() && ptr == port.data() + port.size() && value >= 0 && value <= 65535;
}

void ReadCheck(const std::string& id, const Field& field, Check& check) {
  std::vector<std::string> allowed = {"enabled", "severity"};
  if (auto it = CheckParameters().find(id); it != CheckParameters().end()) {
    allowed.insert(allowed.end(), it->second.begin(), it->second.end());
  }
  if (!field.ExpectKeys(allowed)) return;
  field["enabled"].Read(check.enabled);
  field["severity"].ReadSeverity(check.severity);
  ReadHostPaths(field["paths"], check.paths);
  ReadHostPaths(field["files"], check.files);
  const Field allow = field["allow"];
  if (id == "files.suid_new") {
    ReadHostPaths(allow, check.allow);
  } else if (allow.Read(check.allow, /*allow_scalar=*/true)) {
    const std::vector<Field> elements = allow.Elements(/*allow_scalar=*/true);
    for (std::size_t i = 0; i < check.allow.size() && i < elements.size(); ++i) {
      if (!IsSocketPattern(check.allow[i])) {
        elements[i].Report(
            "expected PROTO:PORT, PROTO:ADDRESS:PORT or PROTO:* with PROTO tcp "
            "or udp, like tcp:22");
      }
    }
  }
  field["warn_within"].ReadDuration(check.warn_within, std::chrono::hours(1));
  field["threshold"].Read(check.threshold, 1, 1'000'000);
  if (field["log_file"].Read(check.log_file) &&
      (check.log_file.empty() || check.log_file.front() != '/')) {
    field["log_file"].Report("expected an absolute path on the scanned host");
  }
  field["allow_ip_forward"].Read(check.allow_ip_forward);
  field["ephemeral_udp"].Read(check.ephemeral_udp);
}

}  // namespace

const Check& AgentConfig::Security::CheckFor(const std::string& check_id) const {
  static const Check kDefaults;
  auto it = checks.find(check_id);
  return it == checks.end() ? kDefaults : it->second;
}

void ReadSecuritySection(const Field& section, AgentConfig::Security& security) {
  if (!section.ExpectMap({"enabled", "interval", "root", "state_dir", "budget", "checks"})) return;
  section["enabled"].Read(security.enabled);
  section["interval"].ReadDuration(security.interval, std::chrono::seconds(1));
  section["root"].ReadPath(security.root);
  section["state_dir"].ReadPath(security.state_dir);
  const Field budget = section["budget"];
  if (budget.ExpectMap({"files_per_second", "max_duration", "max_hash_bytes"})) {
    budget["files_per_second"].Read(security.budget.files_per_second, 1, 100'000'000);
    budget["max_duration"].ReadDuration(security.budget.max_duration, std::chrono::seconds(1));
    budget["max_hash_bytes"].ReadSize(security.budget.max_hash_bytes);
  }
  const Field checks = section["checks"];
  if (!checks.ExpectKeys(kSecurityChecks)) return;
  for (auto& [id, field] : checks.Entries()) {
    if (std::find(kSecurityChecks.begin(), kSecurityChecks.end(), id) == kSecurityChecks.end()) {
      continue;  // reported by ExpectKeys
    }
    ReadCheck(id, field, security.checks[id]);
  }
}

}  // namespace vigil::config
