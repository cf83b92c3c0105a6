// auth.failed_logins: failed logins since the last scan, from the journal (auth and authpriv
// facilities) when there is one, else from the auth log file; a finding above the threshold.

#include <nlohmann/json.hpp>

#include "agent/security/auth_failures.h"
#include "agent/security/check_modules.h"

namespace vigil::agent {
namespace {

using Json = nlohmann::json;

bool HasJournal(ScanContext& context) {
  for (const char* folder : {"/var/log/journal", "/run/log/journal"}) {
    if (!context.List(folder).empty()) return true;
  }
  return false;
}

class FailedLoginsCheck final : public CheckModule {
 public:
  std::vector<std::string> checks() const override { return {"auth.failed_logins"}; }

  std::vector<CheckResult> Run(ScanContext& context,
                               const std::set<std::string>& enabled) override {
    if (enabled.count("auth.failed_logins") == 0) return {};
    CheckResult result{"auth.failed_logins", std::nullopt, {}};
    const auto& settings = context.config().CheckFor(result.check);
    Json state = context.LoadState("auth").value_or(Json::object());
    AuthFailures failures;
    std::string source;
    const bool journal = HasJournal(context);
    if (journal) {
      JournalResult read = ReadJournalAuth(context.root(), state.value("journal_cursor", ""));
      if (read.ok) {
        failures = read.read.failures;
        state["journal_cursor"] = read.read.cursor;
        source = "the journal";
      }
    }
    if (source.empty()) {
      Result<bool> read = ReadLog(context, settings.log_file, state, failures);
      if (!read) {
        result.error = read.error();
        return {result};
      }
      source = settings.log_file;
    }
    if (Status saved = context.SaveState("auth", state); !saved) result.error = saved.error();
    if (failures.count <= settings.threshold) return {result};
    std::vector<std::pair<int, std::string>> top;
    for (const auto& [address, count] : failures.sources) top.emplace_back(-count, address);
    std::sort(top.begin(), top.end());
    std::string evidence = std::to_string(failures.count) + " failed logins in " + source +
                           " since the last scan (threshold " + std::to_string(settings.threshold) +
                           ")";
    for (std::size_t i = 0; i < top.size() && i < 5; ++i) {
      evidence +=
          (i == 0 ? "; from " : ", ") + top[i].second + " (" + std::to_string(-top[i].first) + ")";
    }
    result.findings.push_back(
        {result.check, SeverityFor(context, result.check, "medium"),
         std::to_string(failures.count) + " failed logins since the last scan", evidence,
         "Look for a brute-force attempt: block the sources (fail2ban, firewall), disable "
         "password logins for sshd, and check no account was guessed.",
         "auth"});
    return {result};
  }

 private:
  // Counts the lines added to the log since the offset in `state`; the first read only takes the
  // position. A rotated (new inode) or truncated file is read from its start.
  static Result<bool> ReadLog(ScanContext& context, const std::string& file, Json& state,
                              AuthFailures& failures) {
    std::optional<struct stat> info = context.Stat(file);
    if (!info)
      return MakeError(ErrorCode::kNotFound, "neither a journal nor " + file + " was found");
    Result<std::string> text = context.Read(file);
    if (!text) return text.error();
    const std::uint64_t inode = info->st_ino;
    const bool known = state.contains("log_inode");
    std::uint64_t offset = known ? state["log_offset"].get<std::uint64_t>() : text->size();
    if (known && (state["log_inode"].get<std::uint64_t>() != inode || offset > text->size())) {
      offset = 0;
    }
    std::size_t start = offset;
    while (start < text->size()) {
      const std::size_t end = text->find('\n', start);
      if (end == std::string::npos) break;  // a line being written: next time
      failures.Add(std::string_view(*text).substr(start, end - start));
      start = end + 1;
    }
    state["log_inode"] = inode;
    state["log_offset"] = start;
    return true;
  }
};

}  // namespace

std::unique_ptr<CheckModule> MakeFailedLoginsCheck() {
  return std::make_unique<FailedLoginsCheck>();
}

}  // namespace vigil::agent
