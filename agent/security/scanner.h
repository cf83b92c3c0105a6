#pragma once
// One security scan: every enabled check, its findings compared with the last scan's (kept in
// the state folder, so a restart does not announce old findings again), and the scan's metrics:
//
//   vigil_security_check_passed{check}          1 no finding, 0 findings; absent when it could not run
//   vigil_security_findings{check,severity}     findings now
//   vigil_security_check_errors_total{check}    runs that could not reach a verdict
//   vigil_security_scan_duration_seconds, vigil_security_last_scan_timestamp_seconds,
//   vigil_security_scan_partial                 1 when a budget cut the scan short
//   and the checks' own (vigil_tls_cert_not_after_timestamp_seconds, vigil_security_updates_pending,
//   vigil_listening_sockets).
//
// Not thread-safe; one scan at a time.

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "agent/security/check_module.h"
#include "agent/security/finding.h"
#include "common/clock.h"
#include "common/proto/vigil.pb.h"
#include "config/agent_config.h"

namespace vigil::agent {

struct ScanReport {
  std::vector<wire::MetricFamily> families;
  std::vector<Finding> findings;
  FindingChanges changes;  // against the last scan
  // No record of an earlier scan (a new agent, or its state was lost): what the collector holds
  // for this agent is to be replaced by these findings.
  bool resync = false;
  bool partial = false;
  std::vector<std::string> errors;  // "check: message", for the log
};

class SecurityScanner {
 public:
  SecurityScanner(config::AgentConfig::Security config, std::string state_dir, const Clock& clock);

  // Runs the enabled checks (only `only`, when not empty); `accept` lists checks whose
  // baselines are taken as they are now.
  ScanReport Scan(const std::set<std::string>& only = {}, const std::set<std::string>& accept = {});

  const std::string& state_dir() const { return state_dir_; }

 private:
  config::AgentConfig::Security config_;
  std::string state_dir_;
  const Clock& clock_;
  std::vector<std::unique_ptr<CheckModule>> modules_;
  std::map<std::string, double> errors_total_;
};

// Where security state lives when security.state_dir is not set: "security" beside the spool.
std::string DefaultSecurityStateDir(const std::string& spool_path);

}  // namespace vigil::agent
