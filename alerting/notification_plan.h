#pragma once
// Who is told what about an incident, and when: the routing tree turns an incident's events
// (fired, reopened, acknowledged, resolved) into notifications per receiver, and its timers
// (escalation steps, reminders) into more. Pure bookkeeping on time passed in; the owner persists
// what was planned (the outbox) and rebuilds IncidentNotifyState from it after a restart.
//
// - fired / reopened: every matched route's receiver, once each. A silenced incident is not
//   notified; when its silence ends while it still fires, the receivers not told yet are.
// - acknowledged: the receivers told of it (so a pager stops paging).
// - resolved: the receivers told of it whose route has send_resolved.
// - escalated: each escalation step of a matched route whose `after` has passed since the start
//   while the incident is firing and unacknowledged, once per step.
// - reminder: while firing and unacknowledged, a route's receiver is told again repeat_interval
//   after it was last told.

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "alerting/notify_config.h"
#include "alerting/routing.h"

namespace vigil::alerting {

enum class NotifyEvent {
  kFired,
  kAcknowledged,
  kResolved,
  kReopened,
  kEscalated,
  kReminder,
  // An incident or fault report used its SLA's at_risk share of a target, or breached it
  // (docs/sla.md): every matched route's receiver, once.
  kSlaAtRisk,
  kSlaBreached,
};
std::string_view NotifyEventName(NotifyEvent event);
std::optional<NotifyEvent> ParseNotifyEvent(std::string_view name);

struct IncidentNotifyState {
  using TimePoint = std::chrono::system_clock::time_point;
  Labels labels;  // as silences and routes see them (with alertname and severity)
  TimePoint started;
  bool acknowledged = false;
  bool resolved = false;
  bool silenced = false;
  // Receiver -> when it was last told that the incident fires (fired, reopened, reminder,
  // escalated).
  std::map<std::string, TimePoint> told;
  std::set<std::string> escalations_sent;  // EscalationKey()s
};

struct PlannedNotification {
  std::string receiver;
  NotifyEvent event;
};

// Identifies an escalation step: its receiver and its delay.
std::string EscalationKey(const Escalation& step);

class NotificationPlanner {
 public:
  using TimePoint = std::chrono::system_clock::time_point;

  explicit NotificationPlanner(std::optional<Route> root) : root_(std::move(root)) {}

  // The notifications an event causes; updates `incident` (what was told, and its state).
  std::vector<PlannedNotification> OnEvent(IncidentNotifyState& incident, NotifyEvent event,
                                           TimePoint now) const;
  // The incident's silence ended (or began): the receivers not told yet of a firing incident.
  std::vector<PlannedNotification> OnUnsilenced(IncidentNotifyState& incident, TimePoint now) const;
  // Escalations and reminders due by `now`; updates `incident`.
  std::vector<PlannedNotification> Due(IncidentNotifyState& incident, TimePoint now) const;
  // When Due() will next have something for this incident.
  std::optional<TimePoint> NextDue(const IncidentNotifyState& incident) const;

 private:
  std::vector<RouteMatch> Matches(const IncidentNotifyState& incident) const;
  std::optional<Route> root_;
};

}  // namespace vigil::alerting
