#include "collector/notify/notifier.h"
#include "common/clock.h"

#include <prometheus/registry.h>

#include <nlohmann/json.hpp>

#include "alerting/payloads.h"
#include "collector/notify/delivery_loop.h"
#include "collector/views/views.h"
#include "common/log.h"

namespace vigil::collector {
namespace {

using alerting::NotifyEvent;

prometheus::MetricFamily Gauge(const char* name, const char* help, double value) {
  prometheus::ClientMetric metric;
  metric.gauge.value = value;
  return {name, help, prometheus::MetricType::Gauge, {metric}};
}

}  // namespace

Notifier::Notifier(Store& store, prometheus::Registry& registry, const Clock& clock,
                   alerting::NotifyConfig config)
    : store_(store),
      clock_(clock),
      delivery_(std::make_unique<DeliveryLoop>(store.outbox(), registry, clock, config)),
      config_(std::move(config)),
      planner_(std::make_unique<alerting::NotificationPlanner>(config_.route)) {}

Notifier::~Notifier() { Stop(); }

alerting::IncidentNotifyState Notifier::StateOf(const IncidentRecord& incident) const {
  alerting::IncidentNotifyState state;
  state.labels = IncidentBook::SilenceableLabels(incident);
  state.started = FromUnixMillis(incident.started_ms);
  state.acknowledged = incident.state == IncidentState::kAcknowledged;
  state.resolved = incident.state == IncidentState::kResolved;
  state.silenced = incident.silenced;
  return state;
}

void Notifier::SetDeliveryHeartbeat(std::function<void()> beat) {
  delivery_->SetHeartbeat(std::move(beat));
}

Status Notifier::Start() {
  auto open = store_.incidents().OpenIncidents();
  if (!open) return open.error();
  {
    std::lock_guard lock(mutex_);
    for (const IncidentRecord& incident : *open) {
      alerting::IncidentNotifyState state = StateOf(incident);
      auto sent = store_.outbox().NotificationsOf(incident.id);
      if (!sent) return sent.error();
      for (const alerting::OutboxEntry& entry : *sent) {
        auto event = alerting::ParseNotifyEvent(entry.event);
        if (!event || *event == NotifyEvent::kAcknowledged || *event == NotifyEvent::kResolved) {
          continue;
        }
        auto& told = state.told[entry.receiver];
        told = std::max(told, FromUnixMillis(entry.created_ms));
        if (*event == NotifyEvent::kEscalated && config_.route) {
          for (const alerting::RouteMatch& match :
               alerting::MatchRoutes(*config_.route, state.labels)) {
            for (const alerting::Escalation& step : match.escalate) {
              if (step.receiver == entry.receiver) {
                state.escalations_sent.insert(alerting::EscalationKey(step));
              }
            }
          }
        }
      }
      open_.emplace(incident.id, std::move(state));
    }
  }
  auto pending = store_.outbox().PendingNotifications();
  if (!pending) return pending.error();
  if (!pending->empty()) {
    LogInfo("notifications: " + std::to_string(pending->size()) +
            " queued before the restart are being delivered");
  }
  delivery_->Start(std::move(*pending));
  return OkStatus();
}

void Notifier::Stop() {
  if (delivery_) delivery_->Stop();
}

void Notifier::Reload(alerting::NotifyConfig config) {
  delivery_->SetConfig(config);
  std::lock_guard lock(mutex_);
  config_ = std::move(config);
  planner_ = std::make_unique<alerting::NotificationPlanner>(config_.route);
}

std::vector<alerting::OutboxEntry> Notifier::Render(
    const IncidentRecord& incident, const std::vector<alerting::PlannedNotification>& planned,
    std::int64_t now_ms) const {
  std::vector<alerting::OutboxEntry> out;
  if (planned.empty()) return out;
  const nlohmann::json object = IncidentJson(incident, /*with_timeline=*/false);
  for (const alerting::PlannedNotification& notification : planned) {
    const alerting::Receiver* receiver = config_.FindReceiver(notification.receiver);
    if (receiver == nullptr || !alerting::Wants(*receiver, notification.event)) continue;
    alerting::OutboxEntry entry;
    entry.id = alerting::NewNotificationId();
    entry.incident_id = incident.id;
    entry.receiver = notification.receiver;
    entry.event = std::string(alerting::NotifyEventName(notification.event));
    entry.body = alerting::RenderPayload(*receiver, notification.event, object,
                                         config_.external_url, now_ms);
    entry.created_ms = now_ms;
    entry.next_attempt_ms = now_ms;
    out.push_back(std::move(entry));
  }
  return out;
}

std::vector<alerting::OutboxEntry> Notifier::Plan(const IncidentRecord& incident,
                                                  IncidentChange change) {
  const TimePoint now = clock_.Now();
  std::lock_guard lock(mutex_);
  std::vector<alerting::PlannedNotification> planned;
  switch (change) {
    case IncidentChange::kOpened: {
      alerting::IncidentNotifyState& state = open_[incident.id] = StateOf(incident);
      planned = planner_->OnEvent(
          state, incident.previous_id ? NotifyEvent::kReopened : NotifyEvent::kFired, now);
      break;
    }
    case IncidentChange::kAcknowledged:
    case IncidentChange::kResolved: {
      auto it = open_.find(incident.id);
      if (it == open_.end()) break;
      planned = planner_->OnEvent(
          it->second,
          change == IncidentChange::kResolved ? NotifyEvent::kResolved : NotifyEvent::kAcknowledged,
          now);
      if (change == IncidentChange::kResolved) open_.erase(it);
      break;
    }
    case IncidentChange::kSilenced:
    case IncidentChange::kUnsilenced: {
      auto it = open_.find(incident.id);
      if (it == open_.end()) break;
      it->second.silenced = change == IncidentChange::kSilenced;
      if (change == IncidentChange::kUnsilenced) planned = planner_->OnUnsilenced(it->second, now);
      break;
    }
  }
  return Render(incident, planned, ToUnixMillis(now));
}

std::vector<alerting::OutboxEntry> Notifier::PlanSlaEvent(const IncidentRecord& alert,
                                                          NotifyEvent event) {
  const TimePoint now = clock_.Now();
  std::lock_guard lock(mutex_);
  alerting::IncidentNotifyState state = StateOf(alert);
  return Render(alert, planner_->OnEvent(state, event, now), ToUnixMillis(now));
}

void Notifier::Committed(const std::vector<alerting::OutboxEntry>& notifications) {
  delivery_->Submit(notifications);
}

void Notifier::Tick(TimePoint now) {
  std::vector<alerting::OutboxEntry> queued;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, state] : open_) {
      auto next = planner_->NextDue(state);
      if (!next || *next > now) continue;
      const std::vector<alerting::PlannedNotification> planned = planner_->Due(state, now);
      if (planned.empty()) continue;
      auto incident = store_.incidents().GetIncident(id);
      if (!incident || !incident->has_value()) continue;
      std::vector<alerting::OutboxEntry> entries = Render(**incident, planned, ToUnixMillis(now));
      std::vector<TimelineEntry> timeline;
      for (const alerting::PlannedNotification& p : planned) {
        if (p.event != NotifyEvent::kEscalated) continue;
        timeline.push_back({ToUnixMillis(now), "escalated", "system",
                            "not acknowledged in time: escalated to " + p.receiver});
      }
      if (Status stored = store_.incidents().AppendTimeline(id, timeline, entries); !stored) {
        LogError("notifications: cannot queue the escalations and reminders of " + id + ": " +
                 stored.error().message);
        continue;
      }
      queued.insert(queued.end(), entries.begin(), entries.end());
    }
  }
  delivery_->Submit(std::move(queued));
}

std::optional<Notifier::TimePoint> Notifier::NextDue() const {
  std::lock_guard lock(mutex_);
  std::optional<TimePoint> next;
  for (const auto& [id, state] : open_) {
    auto due = planner_->NextDue(state);
    if (due && (!next || *due < *next)) next = due;
  }
  return next;
}

Result<alerting::OutboxEntry> Notifier::Retry(const std::string& id, const std::string& actor) {
  auto found = store_.outbox().GetNotification(id);
  if (!found) return found.error();
  if (!found->has_value()) return MakeError(ErrorCode::kNotFound, "no notification with id " + id);
  alerting::OutboxEntry entry = **found;
  if (entry.state != alerting::OutboxState::kDead) {
    return MakeError(ErrorCode::kConflict, "notification " + id + " is " +
                                               std::string(alerting::OutboxStateName(entry.state)) +
                                               "; only dead-lettered ones are retried");
  }
  const std::int64_t now = ToUnixMillis(clock_.Now());
  entry.state = alerting::OutboxState::kPending;
  entry.created_ms = now;
  entry.next_attempt_ms = now;
  entry.finished_ms = 0;
  const TimelineEntry retried{now, "notify_retried", actor,
                              entry.receiver + " (" + entry.event + "): queued again after " +
                                  std::to_string(entry.attempts) + " attempts"};
  if (Status stored = store_.outbox().RecordNotification(entry, {retried}); !stored)
    return stored.error();
  delivery_->Resubmit(entry);
  return entry;
}

std::vector<prometheus::MetricFamily> Notifier::Collect() const {
  auto counts = store_.outbox().CountNotifications();
  if (!counts) return {};
  const auto count = [&](alerting::OutboxState state) {
    auto it = counts->find(state);
    return it == counts->end() ? 0.0 : static_cast<double>(it->second);
  };
  return {Gauge("vigil_outbox_pending", "Notifications queued and not yet delivered.",
                count(alerting::OutboxState::kPending)),
          Gauge("vigil_outbox_dead",
                "Notifications dead-lettered (retry them with "
                "POST /api/v1/notifications/{id}/retry).",
                count(alerting::OutboxState::kDead))};
}

}  // namespace vigil::collector
