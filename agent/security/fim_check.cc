// fim.changed: watched files' SHA-256, mode and owner against an accepted baseline. A file is
// hashed again only when its size, mtime, ctime or inode changed since the last scan.

#include <nlohmann/json.hpp>

#include "agent/security/check_modules.h"

namespace vigil::agent {
namespace {

using Json = nlohmann::json;

std::int64_t Nanoseconds(const timespec& t) {
  return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

class FimCheck final : public CheckModule {
 public:
  std::vector<std::string> checks() const override { return {"fim.changed"}; }

  std::vector<CheckResult> Run(ScanContext& context, const std::set<std::string>& enabled) override {
    if (enabled.count("fim.changed") == 0) return {};
    CheckResult result{"fim.changed", std::nullopt, {}};
    const std::vector<std::string>& paths = context.config().CheckFor(result.check).paths;
    if (paths.empty()) return {result};  // nothing watched
    const std::optional<Json> state = context.LoadState("fim");
    const Json seen = state && state->contains("seen") ? (*state)["seen"] : Json::object();
    Json current = Json::object();
    context.Walk(paths, [&](const WalkedFile& file) {
      if (!S_ISREG(file.info.st_mode)) return;
      Json record = {{"mode", OctalMode(file.info.st_mode)},
                     {"uid", file.info.st_uid},
                     {"gid", file.info.st_gid},
                     {"size", file.info.st_size},
                     {"mtime_ns", Nanoseconds(file.info.st_mtim)},
                     {"ctime_ns", Nanoseconds(file.info.st_ctim)},
                     {"inode", file.info.st_ino}};
      auto before = seen.find(file.path);
      const bool same_file = before != seen.end() && (*before)["size"] == record["size"] &&
                             (*before)["mtime_ns"] == record["mtime_ns"] &&
                             (*before)["ctime_ns"] == record["ctime_ns"] &&
                             (*before)["inode"] == record["inode"];
      if (same_file) {
        record["sha256"] = (*before)["sha256"];
      } else if (Result<std::string> hash = context.Sha256(file.path)) {
        record["sha256"] = *hash;
      } else if (before != seen.end()) {
        record["sha256"] = (*before)["sha256"];  // out of budget: judged on what is known
      } else {
        return;
      }
      current[file.path] = std::move(record);
    });
    const bool accept = !state || !state->contains("accepted") || context.Accepting(result.check);
    const Json accepted = accept ? current : (*state)["accepted"];
    if (Status saved = context.SaveState("fim", {{"accepted", accepted}, {"seen", current}});
        !saved) {
      result.error = saved.error();
      return {result};
    }
    if (accept) return {result};
    const std::string severity = SeverityFor(context, result.check, "high");
    const std::string remediation =
        "If the change was intended, accept it (vigil-agent baseline accept fim.changed); "
        "otherwise restore the file from a known-good copy and find out who changed it.";
    for (const auto& [path, now] : current.items()) {
      auto was = accepted.find(path);
      if (was == accepted.end()) {
        result.findings.push_back({result.check, severity, "Watched file " + path + " appeared",
                                   path + ": new, sha256 " + now["sha256"].get<std::string>(),
                                   remediation, path});
        continue;
      }
      std::string changes;
      const auto note = [&](const std::string& what) { changes += (changes.empty() ? "" : "; ") + what; };
      if ((*was)["sha256"] != now["sha256"]) {
        note("sha256 " + (*was)["sha256"].get<std::string>() + " -> " + now["sha256"].get<std::string>());
      }
      if ((*was)["mode"] != now["mode"]) {
        note("mode " + (*was)["mode"].get<std::string>() + " -> " + now["mode"].get<std::string>());
      }
      if ((*was)["uid"] != now["uid"] || (*was)["gid"] != now["gid"]) {
        note("owner " + (*was)["uid"].dump() + ":" + (*was)["gid"].dump() + " -> " +
             now["uid"].dump() + ":" + now["gid"].dump());
      }
      if (!changes.empty()) {
        result.findings.push_back({result.check, severity, "Watched file " + path + " changed",
                                   path + ": " + changes, remediation, path});
      }
    }
    for (const auto& [path, was] : accepted.items()) {
      if (!current.contains(path) && !context.partial()) {
        result.findings.push_back({result.check, severity, "Watched file " + path + " disappeared",
                                   path + ": gone (was sha256 " + was["sha256"].get<std::string>() + ")",
                                   remediation, path});
      }
    }
    return {result};
  }
};

}  // namespace

std::unique_ptr<CheckModule> MakeFimCheck() { return std::make_unique<FimCheck>(); }

}  // namespace vigil::agent
