#pragma once
// Runs the security scan on its own thread, at the lowest CPU priority (nice 19) and in the idle
// IO class, once at start and then every security.interval, and hands each report to the agent's
// io_context, where it becomes a "security" snapshot and finding events; the receiver then calls
// RememberFindings(state_dir(), report.to_remember) once they are spooled.
//
// Threading: construct, Start and Stop on the agent's thread; `on_report` runs there too.

#include <boost/asio/any_io_executor.hpp>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "agent/security/scanner.h"
#include "common/proto/vigil.pb.h"

namespace vigil::agent {

class SecurityRunner {
 public:
  using OnReport = std::function<void(ScanReport)>;

  SecurityRunner(boost::asio::any_io_executor executor, config::AgentConfig::Security config,
                 std::string state_dir, OnReport on_report);
  ~SecurityRunner();
  SecurityRunner(const SecurityRunner&) = delete;
  SecurityRunner& operator=(const SecurityRunner&) = delete;

  void Start();
  const std::string& state_dir() const { return scanner_.state_dir(); }
  // Cancels a scan in progress (it ends at its next file) and joins the thread.
  void Stop();

 private:
  void Loop();

  boost::asio::any_io_executor executor_;
  Duration interval_;
  SecurityScanner scanner_;
  OnReport on_report_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
  std::thread thread_;
  // Shared with reports in flight to the executor, so none runs after Stop.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

// The stream events of a report: "security_findings_resync" first when the collector's copy is to
// be replaced, then "security_finding" for each new or changed finding and
// "security_finding_cleared" for each one gone. Labels carry every field of the finding.
std::vector<wire::Event> FindingEvents(const ScanReport& report, std::int64_t now_ms);

// Lowers the calling thread to nice 19 and the idle IO class; what could not be done, for the log.
std::string MakeThreadIdle();

}  // namespace vigil::agent
