#pragma once
// SLA events (an item at risk, or breached), each marked once, and the figures the SLA metrics
// read: event counts and satisfaction ratings.

#include <cstdint>
#include <string>
#include <vector>

#include "alerting/delivery.h"
#include "collector/store/incident_store.h"
#include "common/result.h"

namespace vigil::collector {

// What an SLA is measured on: an incident or a fault report.
struct SlaItemRef {
  enum class Kind { kIncident, kFaultReport };
  Kind kind = Kind::kIncident;
  std::string id;
};

// "incident" or "fault_report", as the API and the notifications name an item's type.
constexpr const char* SlaItemTypeName(SlaItemRef::Kind kind) {
  return kind == SlaItemRef::Kind::kIncident ? "incident" : "fault_report";
}

struct SlaEventCount {
  std::string customer;
  std::string kind;  // incident, fault, consultation, complaint
  std::string severity;
  std::string event;  // response_at_risk, response_breached, resolution_at_risk, ...
  std::int64_t count = 0;
};

struct SatisfactionTotal {
  std::string customer;
  double sum = 0;
  std::int64_t count = 0;
};

class SlaEventStore {
 public:
  virtual ~SlaEventStore() = default;
  // Marks an SLA event of an item once: the mark, `note` on the item's timeline or history (none
  // when empty) and the notifications it causes, in one transaction. false, and nothing written,
  // when it was marked already: "escalate once" holds across restarts.
  virtual Result<bool> MarkSlaEvent(
      const SlaItemRef& item, const std::string& event, std::int64_t at_ms,
      const std::string& note = {},
      const std::vector<alerting::OutboxEntry>& notifications = {}) = 0;
  // How many SLA events of each kind were marked, by the item's customer, kind and severity.
  virtual Result<std::vector<SlaEventCount>> CountSlaEvents() = 0;
  // Per customer, the sum and number of satisfaction ratings given at or after `since_ms`.
  virtual Result<std::vector<SatisfactionTotal>> SatisfactionSince(std::int64_t since_ms) = 0;
};

}  // namespace vigil::collector
