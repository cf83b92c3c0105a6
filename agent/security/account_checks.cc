// accounts.uid0, accounts.empty_password (from /etc/passwd and /etc/shadow) and
// accounts.sudo_nopasswd (from /etc/sudoers and what it includes).

#include "agent/security/check_modules.h"
#include "agent/security/sudoers.h"

namespace vigil::agent {
namespace {

std::vector<std::string> Fields(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  for (;;) {
    const std::size_t colon = line.find(':', start);
    fields.push_back(
        line.substr(start, colon == std::string::npos ? std::string::npos : colon - start));
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return fields;
}

// Each non-empty, non-comment line of a colon-separated file, with its number.
template <typename Visit>
void EachRecord(const std::string& text, Visit visit) {
  std::size_t start = 0;
  int number = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.front() == '#') continue;
    visit(Fields(line), number);
  }
}

class AccountChecks final : public CheckModule {
 public:
  std::vector<std::string> checks() const override {
    return {"accounts.uid0", "accounts.empty_password", "accounts.sudo_nopasswd"};
  }

  std::vector<CheckResult> Run(ScanContext& context,
                               const std::set<std::string>& enabled) override {
    std::vector<CheckResult> results;
    if (enabled.count("accounts.uid0")) results.push_back(Uid0(context));
    if (enabled.count("accounts.empty_password")) results.push_back(EmptyPasswords(context));
    if (enabled.count("accounts.sudo_nopasswd")) results.push_back(Sudo(context));
    return results;
  }

 private:
  static CheckResult Uid0(ScanContext& context) {
    CheckResult result{"accounts.uid0", std::nullopt, {}};
    Result<std::string> passwd = context.Read("/etc/passwd");
    if (!passwd) {
      result.error = passwd.error();
      return result;
    }
    const std::string severity = SeverityFor(context, result.check, "critical");
    EachRecord(*passwd, [&](const std::vector<std::string>& fields, int line) {
      if (fields.size() < 4 || fields[2] != "0" || fields[0] == "root") return;
      result.findings.push_back(
          {result.check, severity, "Account " + fields[0] + " has UID 0 (root's powers)",
           "/etc/passwd:" + std::to_string(line) + ": " + fields[0] + " with UID 0",
           "Give " + fields[0] +
               " its own UID (usermod -u), or remove it; grant root's powers "
               "through sudo instead.",
           fields[0]});
    });
    return result;
  }

  static CheckResult EmptyPasswords(ScanContext& context) {
    CheckResult result{"accounts.empty_password", std::nullopt, {}};
    const std::string severity = SeverityFor(context, result.check, "critical");
    const auto found = [&](const std::string& account, const std::string& where) {
      result.findings.push_back(
          {result.check, severity, "Account " + account + " has an empty password",
           where + ": the password field of " + account + " is empty: anyone may log in as it",
           "Lock it (passwd -l " + account + ") or set a password.", account});
    };
    // A legacy empty field in passwd itself ("x" points to shadow).
    if (Result<std::string> passwd = context.Read("/etc/passwd")) {
      EachRecord(*passwd, [&](const std::vector<std::string>& fields, int line) {
        if (fields.size() >= 2 && fields[1].empty()) {
          found(fields[0], "/etc/passwd:" + std::to_string(line));
        }
      });
    }
    Result<std::string> shadow = context.Read("/etc/shadow");
    if (!shadow) {
      if (shadow.error().code != ErrorCode::kNotFound) result.error = shadow.error();
      return result;
    }
    // "!" and "*" (and "!" before a hash) lock an account; only an empty field lets anyone in.
    EachRecord(*shadow, [&](const std::vector<std::string>& fields, int line) {
      if (fields.size() >= 2 && fields[1].empty()) {
        const std::string account = fields[0];
        for (const Finding& earlier : result.findings) {
          if (earlier.key == account) return;
        }
        found(account, "/etc/shadow:" + std::to_string(line));
      }
    });
    return result;
  }

  static CheckResult Sudo(ScanContext& context) {
    CheckResult result{"accounts.sudo_nopasswd", std::nullopt, {}};
    SudoersFiles files{[&context](const std::string& path) { return context.Read(path); },
                       [&context](const std::string& folder) { return context.List(folder); }};
    Result<SudoersScan> scan = FindNopasswdGrants("/etc/sudoers", files);
    if (!scan) {
      if (scan.error().code != ErrorCode::kNotFound) result.error = scan.error();
      return result;
    }
    const std::string severity = SeverityFor(context, result.check, "medium");
    for (const SudoGrant& grant : scan->nopasswd_all) {
      std::string evidence = grant.file + ":" + std::to_string(grant.line) + ": " + grant.text;
      for (const std::string& problem : scan->problems) evidence += "; " + problem;
      result.findings.push_back(
          {result.check, severity, "sudo lets " + grant.users + " run anything without a password",
           evidence,
           "Remove NOPASSWD (or !authenticate) from the rule, or limit it to the commands that "
           "must run unattended.",
           grant.users + " in " + grant.file});
    }
    return result;
  }
};

}  // namespace

std::unique_ptr<CheckModule> MakeAccountChecks() { return std::make_unique<AccountChecks>(); }

}  // namespace vigil::agent
