#pragma once
// A security check module: runs one or more checks (ids of config::kSecurityChecks) that share
// their reading — the three ssh checks parse sshd_config once, the two file checks walk the
// system folders once.

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "agent/security/finding.h"
#include "agent/security/scan_context.h"
#include "common/result.h"

namespace vigil::agent {

struct CheckResult {
  std::string check;
  std::optional<Error> error;  // it could not run: no verdict, counted as an error
  std::vector<Finding> findings;
};

class CheckModule {
 public:
  virtual ~CheckModule() = default;
  virtual std::vector<std::string> checks() const = 0;
  // Runs the `enabled` ones of its checks.
  virtual std::vector<CheckResult> Run(ScanContext& context,
                                       const std::set<std::string>& enabled) = 0;
};

// Every module of this version.
std::vector<std::unique_ptr<CheckModule>> MakeCheckModules();

// "0644", "4755": permission bits as ls -l's octal.
std::string OctalMode(unsigned mode);

// The severity a finding of `check` gets: the configured one, else `default_severity`.
std::string SeverityFor(const ScanContext& context, const std::string& check,
                        const std::string& default_severity);

}  // namespace vigil::agent
