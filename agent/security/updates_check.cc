// updates.security_pending: installed packages that a security archive's package list (already
// downloaded by apt: /var/lib/apt/lists) has newer versions of. No network, no apt lock.

#include "agent/security/check_modules.h"
#include "agent/security/debian_packages.h"
#include "common/metric_builder.h"

namespace vigil::agent {
namespace {

constexpr const char* kLists = "/var/lib/apt/lists";
constexpr std::size_t kEvidencePackages = 20;

// The Release file beside a Packages list: "…_dists_bookworm-security_main_binary-amd64_Packages"
// -> "…_dists_bookworm-security_InRelease" (or _Release).
std::string ReleaseOf(const std::string& list, ScanContext& context) {
  const std::size_t dists = list.find("_dists_");
  if (dists == std::string::npos) return "";
  const std::size_t suite_end = list.find('_', dists + 7);
  if (suite_end == std::string::npos) return "";
  const std::string base = list.substr(0, suite_end);
  for (const char* name : {"_InRelease", "_Release"}) {
    if (context.Stat(std::string(kLists) + "/" + base + name)) return base + name;
  }
  return "";
}

class UpdatesCheck final : public CheckModule {
 public:
  std::vector<std::string> checks() const override { return {"updates.security_pending"}; }

  std::vector<CheckResult> Run(ScanContext& context,
                               const std::set<std::string>& enabled) override {
    if (enabled.count("updates.security_pending") == 0) return {};
    CheckResult result{"updates.security_pending", std::nullopt, {}};
    Result<std::string> status = context.Read("/var/lib/dpkg/status");
    if (!status) {
      result.error = status.error().code == ErrorCode::kNotFound
                         ? Error{ErrorCode::kNotApplicable,
                                 "no dpkg database: only apt-based hosts are checked"}
                         : status.error();
      return {result};
    }
    std::map<std::string, std::vector<PendingUpdate>> by_origin;
    for (const std::string& name : context.List(kLists)) {
      if (name.size() < 9 || name.compare(name.size() - 9, 9, "_Packages") != 0) continue;
      std::string origin;
      bool security = name.find("security") != std::string::npos;
      if (const std::string release = ReleaseOf(name, context); !release.empty()) {
        if (Result<std::string> text = context.Read(std::string(kLists) + "/" + release)) {
          auto stanzas = ParseStanzas(*text);
          if (!stanzas.empty()) {
            auto& fields = stanzas.front();
            origin = fields.count("Label") ? fields["Label"] : fields["Origin"];
            const std::string suite = fields["Suite"];
            security = security || suite.find("-security") != std::string::npos ||
                       origin.find("Security") != std::string::npos;
          }
        }
      }
      if (!security) continue;
      if (origin.empty()) origin = name.substr(0, name.find('_'));
      Result<std::string> list = context.Read(std::string(kLists) + "/" + name);
      if (!list) continue;
      for (PendingUpdate& update : FindPendingUpdates(*status, *list)) {
        by_origin[origin].push_back(std::move(update));
      }
    }
    auto pending = MakeFamily("vigil_security_updates_pending",
                              "Installed packages with a newer version in a security archive's "
                              "package list, by archive.",
                              wire::METRIC_TYPE_GAUGE);
    std::size_t total = 0;
    std::string evidence;
    for (auto& [origin, updates] : by_origin) {
      // One package can be offered by two lists of the same archive (main, updates): count once.
      std::set<std::string> names;
      for (const PendingUpdate& update : updates) {
        if (!names.insert(update.package + ":" + update.architecture).second) continue;
        if (total++ < kEvidencePackages) {
          evidence += (evidence.empty() ? "" : ", ") + update.package + " " + update.installed +
                      " -> " + update.candidate + " (" + origin + ")";
        }
      }
      AddSeries(pending, static_cast<double>(names.size()), {{"origin", origin}});
    }
    context.families().push_back(std::move(pending));
    if (total > kEvidencePackages)
      evidence += ", and " + std::to_string(total - kEvidencePackages) + " more";
    if (total > 0) {
      result.findings.push_back(
          {result.check, SeverityFor(context, result.check, "high"),
           std::to_string(total) + " security update" + (total == 1 ? "" : "s") + " pending",
           evidence, "apt-get update && apt-get upgrade (or enable unattended-upgrades).", "apt"});
    }
    return {result};
  }
};

}  // namespace

std::unique_ptr<CheckModule> MakeUpdatesCheck() { return std::make_unique<UpdatesCheck>(); }

}  // namespace vigil::agent
