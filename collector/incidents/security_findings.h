#pragma once
// Agents' security findings as the collector keeps them: the stream's "security_finding",
// "security_finding_cleared" and "security_findings_resync" events (agent/security) update the
// store's current findings, and each change is returned so that the SecurityFinding built-in
// rule opens or resolves the incident of that agent, check and key.

#include <vector>

#include "collector/store/store.h"
#include "common/proto/vigil.pb.h"

namespace vigil::collector {

struct FindingChange {
  SecurityFindingRecord finding;
  bool holds = false;  // found (or changed) now; false: cleared
};

// A resync replaces the agent's findings with those the same batch reports.
Result<std::vector<FindingChange>> ApplySecurityEvents(FindingStore& store,
                                                       const std::string& customer,
                                                       const std::string& agent,
                                                       const wire::Batch& batch);

}  // namespace vigil::collector
