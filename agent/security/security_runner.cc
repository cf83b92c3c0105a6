#include "agent/security/security_runner.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <cstring>

#include "common/log.h"

namespace vigil::agent {
namespace {

constexpr int kIoprioWhoProcess = 1;  // <linux/ioprio.h>; a thread id names one thread
constexpr int kIoprioClassIdle = 3;
constexpr int kIoprioClassShift = 13;

wire::Severity WireSeverity(const std::string& severity) {
  if (severity == "critical" || severity == "high") return wire::SEVERITY_CRITICAL;
  if (severity == "medium") return wire::SEVERITY_WARNING;
  return wire::SEVERITY_INFO;
}

wire::Event MakeEvent(const std::string& kind, std::int64_t now_ms) {
  wire::Event event;
  event.set_timestamp_ms(now_ms);
  event.set_kind(kind);
  event.set_source("security");
  return event;
}

void AddLabel(wire::Event& event, const char* name, const std::string& value) {
  wire::Label* label = event.add_labels();
  label->set_name(name);
  label->set_value(value);
}

wire::Event FindingEvent(const std::string& kind, const Finding& finding, std::int64_t now_ms) {
  wire::Event event = MakeEvent(kind, now_ms);
  event.set_severity(kind == "security_finding" ? WireSeverity(finding.severity)
                                                : wire::SEVERITY_INFO);
  event.set_message(finding.title);
  AddLabel(event, "check", finding.check);
  AddLabel(event, "key", finding.key);
  AddLabel(event, "severity", finding.severity);
  AddLabel(event, "title", finding.title);
  AddLabel(event, "evidence", finding.evidence);
  AddLabel(event, "remediation", finding.remediation);
  return event;
}

}  // namespace

std::string MakeThreadIdle() {
  std::string problems;
  // Nice 19 rather than SCHED_IDLE: on a host that is always busy a SCHED_IDLE thread may never
  // run, and a scan must still finish.
  const auto tid = static_cast<id_t>(syscall(SYS_gettid));
  if (setpriority(PRIO_PROCESS, tid, 19) != 0) {
    problems += std::string("nice 19 refused: ") + std::strerror(errno) + "; ";
  }
  if (syscall(SYS_ioprio_set, kIoprioWhoProcess, static_cast<int>(tid),
              kIoprioClassIdle << kIoprioClassShift) != 0) {
    problems += std::string("idle IO class refused: ") + std::strerror(errno);
  }
  return problems;
}

std::vector<wire::Event> FindingEvents(const ScanReport& report, std::int64_t now_ms) {
  std::vector<wire::Event> events;
  if (report.resync) {
    wire::Event resync = MakeEvent("security_findings_resync", now_ms);
    resync.set_message(
        "the agent has no record of earlier findings: these replace the collector's");
    events.push_back(std::move(resync));
  }
  for (const Finding& finding : report.changes.appeared) {
    events.push_back(FindingEvent("security_finding", finding, now_ms));
  }
  for (const Finding& finding : report.changes.cleared) {
    events.push_back(FindingEvent("security_finding_cleared", finding, now_ms));
  }
  return events;
}

SecurityRunner::SecurityRunner(boost::asio::any_io_executor executor,
                               config::AgentConfig::Security config, std::string state_dir,
                               OnReport on_report)
    : executor_(std::move(executor)),
      interval_(config.interval),
      scanner_(std::move(config), std::move(state_dir), RealClock()),
      on_report_(std::move(on_report)) {}

SecurityRunner::~SecurityRunner() { Stop(); }

void SecurityRunner::Start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { Loop(); });
}

void SecurityRunner::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  *alive_ = false;
  scanner_.Cancel();
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SecurityRunner::Loop() {
  if (const std::string problems = MakeThreadIdle(); !problems.empty()) {
    LogDebug("security scan priority: " + problems);
  }
  for (;;) {
    SecurityScanner::Options options;
    options.record_findings = false;
    ScanReport report = scanner_.Scan(options);
    for (const std::string& error : report.errors) LogWarning("security scan: " + error);
    if (report.partial) {
      LogWarning(
          "security scan: a budget (security.budget) cut the scan short; its results are "
          "partial");
    }
    boost::asio::post(
        executor_, [alive = alive_, on_report = on_report_, report = std::move(report)]() mutable {
          if (*alive) on_report(std::move(report));
        });
    std::unique_lock lock(mutex_);
    if (wake_.wait_for(lock, interval_, [this] { return stopping_; })) return;
  }
}

}  // namespace vigil::agent
