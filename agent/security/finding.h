#pragma once
// A security finding: one weakness a check found on the host (docs/security-checks.md). The
// (check, key) pair identifies it across scans: the collector keeps one incident per agent, check
// and key.

#include <string>
#include <vector>

namespace vigil::agent {

struct Finding {
  std::string check;     // the check's stable id, "ssh.permit_root_login"
  std::string severity;  // critical, high, medium, low
  std::string title;     // one line, for a person
  std::string evidence;  // what was seen, where: "/etc/ssh/sshd_config:32: PermitRootLogin yes"
  std::string remediation;
  std::string key;  // which one among the check's findings: a file, an account, a socket

  bool operator==(const Finding&) const = default;
};

// The findings of `now` that are not in `before` (by check and key, or changed otherwise), and
// those of `before` that are gone.
struct FindingChanges {
  std::vector<Finding> appeared;
  std::vector<Finding> cleared;
};
FindingChanges CompareFindings(const std::vector<Finding>& before, const std::vector<Finding>& now);

}  // namespace vigil::agent
