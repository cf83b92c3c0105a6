#include "agent/security/scanner.h"

#include <nlohmann/json.hpp>

#include "common/metric_builder.h"
#include "common/utf8.h"

namespace vigil::agent {
namespace {

using Json = nlohmann::json;

Json ToJson(const Finding& f) {
  return {{"check", f.check},       {"severity", f.severity},       {"title", f.title},
          {"evidence", f.evidence}, {"remediation", f.remediation}, {"key", f.key}};
}

Finding FromJson(const Json& j) {
  return {j.value("check", ""),    j.value("severity", ""),    j.value("title", ""),
          j.value("evidence", ""), j.value("remediation", ""), j.value("key", "")};
}

// Findings quote host files, whose names need not be UTF-8; what travels and is remembered must be
// (the wire protocol's strings, the JSON state), and the key must come out the same every scan.
void MakeValidUtf8(Finding& f) {
  for (std::string* text : {&f.title, &f.evidence, &f.remediation, &f.key}) {
    if (!IsValidUtf8(*text)) *text = ToValidUtf8(*text);
  }
}

}  // namespace

Status RememberFindings(const std::string& state_dir, const std::vector<Finding>& findings) {
  Json saved = {{"findings", Json::array()}};
  for (const Finding& f : findings) saved["findings"].push_back(ToJson(f));
  config::AgentConfig::Security unused;
  ScanContext context(unused, state_dir, RealClock());
  return context.SaveState("findings", saved);
}

std::string DefaultSecurityStateDir(const std::string& spool_path) {
  const std::size_t slash = spool_path.rfind('/');
  const std::string folder = slash == std::string::npos ? "." : spool_path.substr(0, slash);
  return (folder.empty() ? "" : folder) + "/security";
}

SecurityScanner::SecurityScanner(config::AgentConfig::Security config, std::string state_dir,
                                 const Clock& clock)
    : config_(std::move(config)),
      state_dir_(std::move(state_dir)),
      clock_(clock),
      modules_(MakeCheckModules()) {}

namespace {

struct CheckFamilies {
  wire::MetricFamily passed =
      MakeFamily("vigil_security_check_passed",
                 "1 when the security check found nothing, 0 when it found something; "
                 "absent when it could not run.",
                 wire::METRIC_TYPE_GAUGE);
  wire::MetricFamily findings =
      MakeFamily("vigil_security_findings", "Security findings now, by check and severity.",
                 wire::METRIC_TYPE_GAUGE);
  wire::MetricFamily errors = MakeFamily(
      "vigil_security_check_errors_total",
      "Scans in which the security check could not reach a verdict.", wire::METRIC_TYPE_COUNTER);
};

// One check's result into the report and the families; `error_count` is the check's running
// count of scans without a verdict.
void Record(CheckResult& result, double& error_count, ScanReport& report,
            std::set<std::string>& without_verdict, CheckFamilies& families) {
  if (result.error && result.error->code != ErrorCode::kNotApplicable) {
    error_count += 1;
    report.errors.push_back(result.check + ": " + result.error->message);
    without_verdict.insert(result.check);
  }
  AddSeries(families.errors, error_count, {{"check", result.check}});
  if (result.error) return;
  AddSeries(families.passed, result.findings.empty() ? 1 : 0, {{"check", result.check}});
  std::map<std::string, int> by_severity;
  std::set<std::string> keys;
  for (Finding& finding : result.findings) {
    MakeValidUtf8(finding);
    // Two findings of one check must not share a key: the collector keeps one per key.
    std::string key = finding.key;
    for (int n = 2; !keys.insert(key).second; ++n)
      key = finding.key + " (" + std::to_string(n) + ")";
    finding.key = key;
    ++by_severity[finding.severity];
    report.findings.push_back(std::move(finding));
  }
  for (const auto& [severity, count] : by_severity) {
    AddSeries(families.findings, count, {{"check", result.check}, {"severity", severity}});
  }
}

// The scan's own families: how long it took, when it finished, whether a budget cut it short.
void AddScanFamilies(ScanReport& report, double seconds, double finished_unix_seconds) {
  auto duration = MakeFamily("vigil_security_scan_duration_seconds",
                             "How long the last security scan took.", wire::METRIC_TYPE_GAUGE);
  AddSeries(duration, seconds);
  auto last =
      MakeFamily("vigil_security_last_scan_timestamp_seconds",
                 "When the last security scan finished, in unix seconds.", wire::METRIC_TYPE_GAUGE);
  AddSeries(last, finished_unix_seconds);
  auto partial = MakeFamily("vigil_security_scan_partial",
                            "1 when a budget (files per second, time, bytes hashed) cut the last "
                            "security scan short.",
                            wire::METRIC_TYPE_GAUGE);
  AddSeries(partial, report.partial ? 1 : 0);
  for (auto* family : {&duration, &last, &partial}) report.families.push_back(std::move(*family));
}

// Compares with the last scan's findings and sets what to remember. A check that did not judge
// this time (left out by --only, or it could not read what it needs) leaves its findings as they
// were: an unreadable file is not a fixed one. A scan cut short by a budget may add or change
// findings but clears none, since what it did not reach is unknown.
void CompareWithLastScan(ScanContext& context, const std::set<std::string>& only,
                         const std::set<std::string>& without_verdict, ScanReport& report) {
  std::optional<Json> previous = context.LoadState("findings");
  report.resync = !previous.has_value();
  std::vector<Finding> before;
  if (previous) {
    for (const Json& j : previous->value("findings", Json::array())) before.push_back(FromJson(j));
  }
  std::set<std::pair<std::string, std::string>> found_now;
  for (const Finding& f : report.findings) found_now.emplace(f.check, f.key);
  const auto seen_now = [&found_now](const Finding& f) {
    return found_now.count({f.check, f.key}) > 0;
  };
  std::vector<Finding> standing, judged;
  for (Finding& f : before) {
    const bool not_judged = (!only.empty() && only.count(f.check) == 0) ||
                            without_verdict.count(f.check) > 0 || (report.partial && !seen_now(f));
    (not_judged ? standing : judged).push_back(std::move(f));
  }
  report.changes = CompareFindings(judged, report.findings);
  report.to_remember = std::move(standing);
  report.to_remember.insert(report.to_remember.end(), report.findings.begin(),
                            report.findings.end());
}

}  // namespace

ScanReport SecurityScanner::Scan(const Options& options) {
  const std::set<std::string>& only = options.only;
  const auto started = clock_.Monotonic();
  ScanContext context(config_, state_dir_, clock_);
  context.SetAccepting(options.accept);
  context.SetReadOnly(options.read_only);
  context.SetCancelled(&cancelled_);
  ScanReport report;
  std::set<std::string> without_verdict;  // checks that ran but could not judge (unreadable file)
  CheckFamilies families;
  for (const auto& module : modules_) {
    std::set<std::string> enabled;
    for (const std::string& check : module->checks()) {
      if (config_.CheckFor(check).enabled && (only.empty() || only.count(check))) {
        enabled.insert(check);
      }
    }
    if (enabled.empty()) continue;
    for (CheckResult& result : module->Run(context, enabled)) {
      Record(result, errors_total_[result.check], report, without_verdict, families);
    }
  }
  report.partial = context.partial();
  for (auto* family : {&families.passed, &families.findings, &families.errors}) {
    report.families.push_back(std::move(*family));
  }
  AddScanFamilies(report, std::chrono::duration<double>(clock_.Monotonic() - started).count(),
                  std::chrono::duration<double>(clock_.Now().time_since_epoch()).count());
  for (auto& family : context.families()) report.families.push_back(std::move(family));

  CompareWithLastScan(context, only, without_verdict, report);
  report.state_dir = state_dir_;
  if (!options.record_findings || options.read_only) return report;
  if (Status stored = RememberFindings(state_dir_, report.to_remember); !stored) {
    report.errors.push_back("state: " + stored.error().message);
  }
  return report;
}

}  // namespace vigil::agent
