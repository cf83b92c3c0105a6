#include "alerting/notification_plan.h"

#include <algorithm>

namespace vigil::alerting {
namespace {

constexpr std::pair<NotifyEvent, std::string_view> kEventNames[] = {
    {NotifyEvent::kFired, "fired"},           {NotifyEvent::kAcknowledged, "acknowledged"},
    {NotifyEvent::kResolved, "resolved"},     {NotifyEvent::kReopened, "reopened"},
    {NotifyEvent::kEscalated, "escalated"},   {NotifyEvent::kReminder, "reminder"},
    {NotifyEvent::kSlaAtRisk, "sla_at_risk"}, {NotifyEvent::kSlaBreached, "sla_breached"}};

bool Firing(const IncidentNotifyState& incident) {
  return !incident.acknowledged && !incident.resolved && !incident.silenced;
}

}  // namespace

std::string_view NotifyEventName(NotifyEvent event) {
  for (const auto& [value, name] : kEventNames) {
    if (value == event) return name;
  }
  return "fired";
}

std::optional<NotifyEvent> ParseNotifyEvent(std::string_view name) {
  for (const auto& [value, text] : kEventNames) {
    if (text == name) return value;
  }
  return std::nullopt;
}

std::string EscalationKey(const Escalation& step) {
  return step.receiver + "@" + std::to_string(step.after.count()) + "ms";
}

std::vector<RouteMatch> NotificationPlanner::Matches(const IncidentNotifyState& incident) const {
  if (!root_) return {};
  return MatchRoutes(*root_, incident.labels);
}

std::vector<PlannedNotification> NotificationPlanner::OnEvent(IncidentNotifyState& incident,
                                                              NotifyEvent event,
                                                              TimePoint now) const {
  std::vector<PlannedNotification> out;
  const auto add = [&out](const std::string& receiver, NotifyEvent what) {
    if (receiver.empty()) return;
    for (const PlannedNotification& planned : out) {
      if (planned.receiver == receiver) return;
    }
    out.push_back({receiver, what});
  };
  switch (event) {
    case NotifyEvent::kFired:
    case NotifyEvent::kReopened:
      if (incident.silenced) return out;
      for (const RouteMatch& match : Matches(incident)) add(match.receiver, event);
      for (const PlannedNotification& planned : out) incident.told[planned.receiver] = now;
      return out;
    case NotifyEvent::kAcknowledged:
      incident.acknowledged = true;
      for (const auto& [receiver, when] : incident.told) add(receiver, event);
      return out;
    case NotifyEvent::kResolved: {
      incident.resolved = true;
      const std::vector<RouteMatch> matches = Matches(incident);
      for (const auto& told : incident.told) {
        const std::string& receiver = told.first;
        // A receiver reached only through escalation follows its route's send_resolved.
        bool send = true;
        for (const RouteMatch& match : matches) {
          const bool this_route = match.receiver == receiver ||
                                  std::any_of(match.escalate.begin(), match.escalate.end(),
                                              [&receiver](const Escalation& step) {
                                                return step.receiver == receiver;
                                              });
          if (this_route) send = match.send_resolved;
        }
        if (send) add(receiver, event);
      }
      return out;
    }
    case NotifyEvent::kSlaAtRisk:
    case NotifyEvent::kSlaBreached:
      for (const RouteMatch& match : Matches(incident)) add(match.receiver, event);
      return out;
    case NotifyEvent::kEscalated:
    case NotifyEvent::kReminder: return out;  // timers make these (Due)
  }
  return out;
}

std::vector<PlannedNotification> NotificationPlanner::OnUnsilenced(IncidentNotifyState& incident,
                                                                   TimePoint now) const {
  std::vector<PlannedNotification> out;
  if (!Firing(incident)) return out;
  for (const RouteMatch& match : Matches(incident)) {
    if (match.receiver.empty() || incident.told.count(match.receiver) > 0) continue;
    incident.told[match.receiver] = now;
    out.push_back({match.receiver, NotifyEvent::kFired});
  }
  return out;
}

std::vector<PlannedNotification> NotificationPlanner::Due(IncidentNotifyState& incident,
                                                          TimePoint now) const {
  std::vector<PlannedNotification> out;
  if (!Firing(incident)) return out;
  for (const RouteMatch& match : Matches(incident)) {
    for (const Escalation& step : match.escalate) {
      if (now < incident.started + step.after) continue;
      if (!incident.escalations_sent.insert(EscalationKey(step)).second) continue;
      incident.told[step.receiver] = now;
      out.push_back({step.receiver, NotifyEvent::kEscalated});
    }
    if (match.repeat_interval.count() > 0 && !match.receiver.empty()) {
      auto told = incident.told.find(match.receiver);
      if (told != incident.told.end() && now >= told->second + match.repeat_interval) {
        told->second = now;
        out.push_back({match.receiver, NotifyEvent::kReminder});
      }
    }
  }
  return out;
}

std::optional<NotificationPlanner::TimePoint> NotificationPlanner::NextDue(
    const IncidentNotifyState& incident) const {
  if (!Firing(incident)) return std::nullopt;
  std::optional<TimePoint> next;
  const auto consider = [&next](TimePoint at) {
    if (!next || at < *next) next = at;
  };
  for (const RouteMatch& match : Matches(incident)) {
    for (const Escalation& step : match.escalate) {
      if (incident.escalations_sent.count(EscalationKey(step)) == 0) {
        consider(incident.started + step.after);
      }
    }
    if (match.repeat_interval.count() > 0) {
      auto told = incident.told.find(match.receiver);
      if (told != incident.told.end()) consider(told->second + match.repeat_interval);
    }
  }
  return next;
}

}  // namespace vigil::alerting
