#include "agent/security/check_module.h"

#include <cstdio>

#include "agent/security/check_modules.h"

namespace vigil::agent {

std::vector<std::unique_ptr<CheckModule>> MakeCheckModules() {
  std::vector<std::unique_ptr<CheckModule>> modules;
  modules.push_back(MakeSshChecks());
  modules.push_back(MakeAccountChecks());
  modules.push_back(MakeFileChecks());
  modules.push_back(MakeFimCheck());
  modules.push_back(MakeListeningCheck());
  modules.push_back(MakeCertificateCheck());
  modules.push_back(MakeUpdatesCheck());
  modules.push_back(MakeSysctlCheck());
  modules.push_back(MakeFailedLoginsCheck());
  modules.push_back(MakeFirewallCheck());
  return modules;
}

std::string OctalMode(unsigned mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", mode & 07777);
  return text;
}

std::string SeverityFor(const ScanContext& context, const std::string& check,
                        const std::string& default_severity) {
  const std::string& configured = context.config().CheckFor(check).severity;
  return configured.empty() ? default_severity : configured;
}

}  // namespace vigil::agent
