// ssh.permit_root_login, ssh.password_authentication, ssh.permit_empty_passwords: from
// /etc/ssh/sshd_config and what it includes, with OpenSSH's defaults for what is not set.

#include "agent/security/check_modules.h"
#include "agent/security/sshd_config.h"

namespace vigil::agent {
namespace {

constexpr const char* kConfigPath = "/etc/ssh/sshd_config";

struct Rule {
  const char* check;
  const char* keyword;        // lowercase
  const char* default_value;  // OpenSSH's, when not set
  const char* default_severity;
  const char* title;
  const char* remediation;
  bool (*weak)(const std::string& value);
};

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

bool IsYes(const std::string& value) { return Lower(value) == "yes"; }

const Rule kRules[] = {
    {"ssh.permit_root_login", "permitrootlogin", "prohibit-password", "high",
     "sshd allows root to log in with a password",
     "Set \"PermitRootLogin prohibit-password\" (or \"no\") in /etc/ssh/sshd_config and reload "
     "sshd; log in as a user and use sudo.",
     IsYes},
    {"ssh.password_authentication", "passwordauthentication", "yes", "medium",
     "sshd allows password logins",
     "Set \"PasswordAuthentication no\" in /etc/ssh/sshd_config once every user has a key, and "
     "reload sshd.",
     IsYes},
    {"ssh.permit_empty_passwords", "permitemptypasswords", "no", "critical",
     "sshd allows logins with an empty password",
     "Set \"PermitEmptyPasswords no\" in /etc/ssh/sshd_config and reload sshd.", IsYes},
};

std::string Spelled(const char* keyword) {
  // The keyword as sshd_config(5) writes it, for evidence and titles.
  const std::string lower = keyword;
  if (lower == "permitrootlogin") return "PermitRootLogin";
  if (lower == "passwordauthentication") return "PasswordAuthentication";
  return "PermitEmptyPasswords";
}

class SshChecks final : public CheckModule {
 public:
  std::vector<std::string> checks() const override {
    return {"ssh.permit_root_login", "ssh.password_authentication", "ssh.permit_empty_passwords"};
  }

  std::vector<CheckResult> Run(ScanContext& context,
                               const std::set<std::string>& enabled) override {
    SshdFiles files{[&context](const std::string& path) { return context.Read(path); },
                    [&context](const std::string& pattern) { return context.Glob(pattern); }};
    Result<SshdConfig> config = ParseSshdConfig(kConfigPath, files);
    std::vector<CheckResult> results;
    for (const Rule& rule : kRules) {
      if (enabled.count(rule.check) == 0) continue;
      CheckResult result{rule.check, std::nullopt, {}};
      if (!config) {
        // No sshd_config: no sshd to weaken. Unreadable: no verdict.
        if (config.error().code != ErrorCode::kNotFound) result.error = config.error();
        results.push_back(std::move(result));
        continue;
      }
      const std::string severity = SeverityFor(context, rule.check, rule.default_severity);
      const std::string keyword = Spelled(rule.keyword);
      auto global = config->global.find(rule.keyword);
      const std::string value =
          global == config->global.end() ? rule.default_value : global->second.value;
      if (rule.weak(value)) {
        const std::string evidence =
            global == config->global.end()
                ? keyword + " is not set in " + kConfigPath + "; OpenSSH's default is " + value
                : global->second.file + ":" + std::to_string(global->second.line) + ": " + keyword +
                      " " + value;
        result.findings.push_back(
            {rule.check, severity, rule.title, evidence, rule.remediation, "global"});
      }
      for (const SshdConfig::MatchBlock& block : config->matches) {
        auto set = block.settings.find(rule.keyword);
        if (set == block.settings.end() || !rule.weak(set->second.value)) continue;
        result.findings.push_back(
            {rule.check, severity, std::string(rule.title) + " (Match " + block.criteria + ")",
             set->second.file + ":" + std::to_string(set->second.line) + ": " + keyword + " " +
                 set->second.value + " inside \"Match " + block.criteria + "\" (" + block.file +
                 ":" + std::to_string(block.line) + ")",
             rule.remediation, "Match " + block.criteria});
      }
      for (const std::string& problem : config->problems) {
        // Include problems are noted on every ssh finding, since they may hide a setting.
        for (Finding& finding : result.findings) finding.evidence += "; " + problem;
      }
      results.push_back(std::move(result));
    }
    return results;
  }
};

}  // namespace

std::unique_ptr<CheckModule> MakeSshChecks() { return std::make_unique<SshChecks>(); }

}  // namespace vigil::agent
