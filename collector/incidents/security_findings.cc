#include "collector/incidents/security_findings.h"

#include <set>

namespace vigil::collector {
namespace {

SecurityFindingRecord FromEvent(const std::string& customer, const std::string& agent,
                                const wire::Event& event) {
  SecurityFindingRecord finding;
  finding.customer = customer;
  finding.agent = agent;
  for (const wire::Label& label : event.labels()) {
    const std::string& name = label.name();
    if (name == "check")
      finding.check = label.value();
    else if (name == "key")
      finding.key = label.value();
    else if (name == "severity")
      finding.severity = label.value();
    else if (name == "title")
      finding.title = label.value();
    else if (name == "evidence")
      finding.evidence = label.value();
    else if (name == "remediation")
      finding.remediation = label.value();
  }
  if (finding.title.empty()) finding.title = event.message();
  finding.first_seen_ms = event.timestamp_ms();
  finding.last_seen_ms = event.timestamp_ms();
  return finding;
}

}  // namespace

Result<std::vector<FindingChange>> ApplySecurityEvents(FindingStore& store,
                                                       const std::string& customer,
                                                       const std::string& agent,
                                                       const wire::Batch& batch) {
  std::vector<FindingChange> changes;
  bool resync = false;
  std::set<std::pair<std::string, std::string>> reported;
  for (const wire::Event& event : batch.events()) {
    if (event.kind() == "security_findings_resync") resync = true;
    if (event.kind() == "security_finding") {
      const SecurityFindingRecord finding = FromEvent(customer, agent, event);
      reported.insert({finding.check, finding.key});
    }
  }
  if (resync) {
    auto held = store.SecurityFindingsOf(customer, agent);
    if (!held) return held.error();
    for (const SecurityFindingRecord& finding : *held) {
      if (reported.count({finding.check, finding.key})) continue;
      if (Status removed = store.DeleteSecurityFinding(customer, agent, finding.check, finding.key);
          !removed) {
        return removed.error();
      }
      changes.push_back({finding, false});
    }
  }
  for (const wire::Event& event : batch.events()) {
    const bool found = event.kind() == "security_finding";
    if (!found && event.kind() != "security_finding_cleared") continue;
    SecurityFindingRecord finding = FromEvent(customer, agent, event);
    if (finding.check.empty()) continue;  // not from a Vigil agent: nothing to key it by
    Status stored = found
                        ? store.PutSecurityFinding(finding)
                        : store.DeleteSecurityFinding(customer, agent, finding.check, finding.key);
    if (!stored) return stored.error();
    changes.push_back({std::move(finding), found});
  }
  return changes;
}

}  // namespace vigil::collector
