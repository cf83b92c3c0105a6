#pragma once
// The outbox: notifications queued with the change that causes them (incident_store.h,
// sla_event_store.h), and each delivery attempt's outcome.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "alerting/delivery.h"
#include "collector/store/incident_store.h"
#include "collector/store/page.h"
#include "common/result.h"

namespace vigil::collector {

class OutboxStore {
 public:
  virtual ~OutboxStore() = default;
  // Writes an attempt's outcome, and its entries on the timeline of the incident (or the history
  // of the fault report) it is about, in one transaction. Error "not_found" for an unknown id.
  virtual Status RecordNotification(const alerting::OutboxEntry& entry,
                                    const std::vector<TimelineEntry>& timeline) = 0;
  // Oldest first.
  virtual Result<std::vector<alerting::OutboxEntry>> PendingNotifications() = 0;
  // Oldest first.
  virtual Result<std::vector<alerting::OutboxEntry>> NotificationsOf(
      const std::string& incident_id) = 0;
  virtual Result<std::optional<alerting::OutboxEntry>> GetNotification(const std::string& id) = 0;
  // Newest first; filters are optional (empty: any).
  virtual Result<Page<alerting::OutboxEntry>> ListNotifications(
      std::optional<alerting::OutboxState> state, const std::string& incident_id,
      const std::string& receiver, std::optional<std::int64_t> before, std::size_t limit) = 0;
  virtual Result<std::map<alerting::OutboxState, std::int64_t>> CountNotifications() = 0;
};

}  // namespace vigil::collector
