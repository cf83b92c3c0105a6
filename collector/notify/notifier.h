#pragma once
// Decides and queues notifications as incidents change (an IncidentObserver of the book), runs
// escalations and reminders on the alerting timer, and owns the delivery thread. Bodies are
// rendered from the incident as it is at the event and written to the outbox in the same
// transaction as the change; only after the commit are they handed to delivery.
//
// Thread-safe.

#include <prometheus/collectable.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "alerting/notification_plan.h"
#include "collector/incidents/incident_book.h"
#include "collector/store/store.h"
#include "common/clock.h"

namespace prometheus {
class Registry;
}

namespace vigil::collector {

class DeliveryLoop;

class Notifier final : public IncidentObserver, public prometheus::Collectable {
 public:
  using TimePoint = std::chrono::system_clock::time_point;

  Notifier(Store& store, prometheus::Registry& registry, const Clock& clock,
           alerting::NotifyConfig config);
  ~Notifier() override;

  // Rebuilds what each open incident's receivers were told from the outbox, and starts delivering
  // what is still pending.
  Status Start();
  void Stop();
  // The delivery thread's beat for systemd's watchdog; before Start.
  void SetDeliveryHeartbeat(std::function<void()> beat);
  // New receivers and routes; what is queued stays queued.
  void Reload(alerting::NotifyConfig config);

  std::vector<alerting::OutboxEntry> Plan(const IncidentRecord& incident,
                                          IncidentChange change) override;
  void Committed(const std::vector<alerting::OutboxEntry>& notifications) override;

  // The notifications of an SLA event (kSlaAtRisk, kSlaBreached) described by `alert`, an
  // incident-shaped record made for it (collector/sla/sla_watch.h), routed on its labels. Not
  // queued: the caller stores them with the event's mark and then calls Committed().
  std::vector<alerting::OutboxEntry> PlanSlaEvent(const IncidentRecord& alert,
                                                  alerting::NotifyEvent event);

  // Queues the escalations and reminders due by `now`.
  void Tick(TimePoint now);
  std::optional<TimePoint> NextDue() const;

  // Queues a dead-lettered notification again, as new (its age starts over), and notes on the
  // timeline (or report history) it belongs to that `actor` did so. Errors "not_found", or
  // "conflict" when it is not dead.
  Result<alerting::OutboxEntry> Retry(const std::string& id, const std::string& actor);

  // vigil_outbox_pending, vigil_outbox_dead.
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  std::vector<alerting::OutboxEntry> Render(
      const IncidentRecord& incident, const std::vector<alerting::PlannedNotification>& planned,
      std::int64_t now_ms) const;  // mutex_ held
  alerting::IncidentNotifyState StateOf(const IncidentRecord& incident) const;

  Store& store_;
  const Clock& clock_;
  std::unique_ptr<DeliveryLoop> delivery_;
  mutable std::mutex mutex_;
  alerting::NotifyConfig config_;                              // guarded by mutex_
  std::unique_ptr<alerting::NotificationPlanner> planner_;     // guarded by mutex_
  std::map<std::string, alerting::IncidentNotifyState> open_;  // by incident id; guarded by mutex_
};

}  // namespace vigil::collector
