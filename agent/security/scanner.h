#pragma once
// One security scan: every enabled check, its findings compared with the last scan's (kept in
// the state folder, so a restart does not announce old findings again), and the scan's metrics:
//
//   vigil_security_check_passed{check}          1 no finding, 0 findings; absent when it could not
//   run vigil_security_findings{check,severity}     findings now
//   vigil_security_check_errors_total{check}    runs that could not reach a verdict
//   vigil_security_scan_duration_seconds, vigil_security_last_scan_timestamp_seconds,
//   vigil_security_scan_partial                 1 when a budget cut the scan short
//   and the checks' own (vigil_tls_cert_not_after_timestamp_seconds,
//   vigil_security_updates_pending, vigil_listening_sockets).
//
// Not thread-safe; one scan at a time.

#include <atomic>
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
  // What the next scan is to be compared with (all checks' findings, after an --only run too).
  std::vector<Finding> to_remember;
  std::string state_dir;
};

// Remembers findings for the next scan's comparison. The daemon calls it once a report's events
// are spooled, so that a crash in between announces them again rather than never.
Status RememberFindings(const std::string& state_dir, const std::vector<Finding>& findings);

class SecurityScanner {
 public:
  SecurityScanner(config::AgentConfig::Security config, std::string state_dir, const Clock& clock);

  struct Options {
    std::set<std::string> only;    // run only these checks (all enabled ones when empty)
    std::set<std::string> accept;  // take these checks' baselines as they are now
    bool read_only = false;        // change no state: no baseline, no record of findings
    bool record_findings = true;   // remember the findings now (else: RememberFindings later)
  };
  ScanReport Scan(const Options& options);
  ScanReport Scan() { return Scan(Options{}); }

  // Makes a running Scan() stop soon (it reports partial results).
  void Cancel() { cancelled_ = true; }

  const std::string& state_dir() const { return state_dir_; }

 private:
  config::AgentConfig::Security config_;
  std::string state_dir_;
  const Clock& clock_;
  std::vector<std::unique_ptr<CheckModule>> modules_;
  std::map<std::string, double> errors_total_;
  std::atomic<bool> cancelled_{false};
};

// Where security state lives when security.state_dir is not set: "security" beside the spool.
std::string DefaultSecurityStateDir(const std::string& spool_path);

}  // namespace vigil::agent
