#pragma once
// Agents' current security findings (docs/security-checks.md).

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace vigil::collector {

// A security finding an agent reported and has not cleared.
struct SecurityFindingRecord {
  std::string customer;
  std::string agent;
  std::string check;
  std::string key;
  std::string severity;
  std::string title;
  std::string evidence;
  std::string remediation;
  std::int64_t first_seen_ms = 0;
  std::int64_t last_seen_ms = 0;
};

class FindingStore {
 public:
  virtual ~FindingStore() = default;
  // Adds or replaces one (keeping when it was first seen).
  virtual Status PutSecurityFinding(const SecurityFindingRecord& finding) = 0;
  virtual Status DeleteSecurityFinding(const std::string& customer, const std::string& agent,
                                       const std::string& check, const std::string& key) = 0;
  // By check, then key.
  virtual Result<std::vector<SecurityFindingRecord>> SecurityFindingsOf(
      const std::string& customer, const std::string& agent) = 0;
};

}  // namespace vigil::collector
