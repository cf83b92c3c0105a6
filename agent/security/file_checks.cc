// files.world_writable and files.suid_new: one walk of the system folders serves both.

#include <nlohmann/json.hpp>

#include "agent/security/check_modules.h"
#include "common/utf8.h"

namespace vigil::agent {
namespace {

const std::vector<std::string> kSystemFolders = {"/etc", "/usr", "/bin", "/sbin", "/lib", "/boot"};

bool Under(const std::string& path, const std::vector<std::string>& tops) {
  for (const std::string& top : tops) {
    if (path == top || (path.size() > top.size() && path.compare(0, top.size(), top) == 0 &&
                        (top == "/" || path[top.size()] == '/'))) {
      return true;
    }
  }
  return false;
}

std::vector<std::string> Union(const std::vector<std::string>& a,
                               const std::vector<std::string>& b) {
  std::vector<std::string> out;
  for (const auto* list : {&a, &b}) {
    for (const std::string& top : *list) {
      // A folder inside one already walked adds nothing.
      if (!Under(top, out)) out.push_back(top);
    }
  }
  return out;
}

class FileChecks final : public CheckModule {
 public:
  std::vector<std::string> checks() const override {
    return {"files.world_writable", "files.suid_new"};
  }

  std::vector<CheckResult> Run(ScanContext& context,
                               const std::set<std::string>& enabled) override {
    const bool writable = enabled.count("files.world_writable") > 0;
    const bool suid = enabled.count("files.suid_new") > 0;
    const auto tops_of = [&](const char* check) {
      const auto& paths = context.config().CheckFor(check).paths;
      return paths.empty() ? kSystemFolders : paths;
    };
    const std::vector<std::string> writable_tops =
        writable ? tops_of("files.world_writable") : std::vector<std::string>{};
    const std::vector<std::string> suid_tops =
        suid ? tops_of("files.suid_new") : std::vector<std::string>{};
    CheckResult writable_result{"files.world_writable", std::nullopt, {}};
    const std::string writable_severity = SeverityFor(context, writable_result.check, "high");
    std::map<std::string, mode_t> suid_files;
    context.Walk(Union(writable_tops, suid_tops), [&](const WalkedFile& file) {
      const mode_t mode = file.info.st_mode;
      if (writable && (mode & S_IWOTH) && Under(file.path, writable_tops)) {
        const bool folder = S_ISDIR(mode);
        if ((S_ISREG(mode) || folder) && !(folder && (mode & S_ISVTX))) {
          writable_result.findings.push_back(
              {writable_result.check, writable_severity,
               std::string(folder ? "Folder " : "File ") + file.path + " is world-writable",
               file.path + ": mode " + OctalMode(mode) + ", owner " +
                   std::to_string(file.info.st_uid) + ":" + std::to_string(file.info.st_gid),
               folder ? "chmod o-w " + file.path + " (or chmod +t if every user must write there)"
                      : "chmod o-w " + file.path,
               file.path});
        }
      }
      if (suid && S_ISREG(mode) && (mode & (S_ISUID | S_ISGID)) && Under(file.path, suid_tops)) {
        suid_files[file.path] = mode;
      }
    });
    std::vector<CheckResult> results;
    if (writable) results.push_back(std::move(writable_result));
    if (suid) results.push_back(SuidDrift(context, suid_files));
    return results;
  }

 private:
  static CheckResult SuidDrift(ScanContext& context, const std::map<std::string, mode_t>& files) {
    CheckResult result{"files.suid_new", std::nullopt, {}};
    std::optional<nlohmann::json> baseline = context.LoadState("suid");
    if (!baseline || !baseline->contains("files") || context.Accepting(result.check)) {
      nlohmann::json accepted = {{"files", nlohmann::json::object()}};
      for (const auto& [path, mode] : files) accepted["files"][ToValidUtf8(path)] = OctalMode(mode);
      if (Status saved = context.SaveState("suid", accepted); !saved) result.error = saved.error();
      return result;  // the first scan (or an accepted one) is the baseline: no drift
    }
    const std::vector<std::string>& allow = context.config().CheckFor(result.check).allow;
    const std::string severity = SeverityFor(context, result.check, "high");
    for (const auto& [path, mode] : files) {
      if ((*baseline)["files"].contains(ToValidUtf8(path)) ||
          std::find(allow.begin(), allow.end(), path) != allow.end()) {
        continue;
      }
      const char* kind = (mode & S_ISUID) ? "SUID" : "SGID";
      result.findings.push_back(
          {result.check, severity, std::string("New ") + kind + " file " + path,
           path + ": mode " + OctalMode(mode) + ", not in the baseline",
           "If it is expected, accept it (vigil-agent baseline accept files.suid_new) or add it "
           "to the allowlist; otherwise remove the bit (chmod u-s,g-s " +
               path +
               ") and find out "
               "how it got there.",
           path});
    }
    return result;
  }
};

}  // namespace

std::unique_ptr<CheckModule> MakeFileChecks() { return std::make_unique<FileChecks>(); }

}  // namespace vigil::agent
