#include "collector/incidents/incident_book.h"
#include "common/clock.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>

#include <cmath>

#include "collector/store/token.h"
#include "common/exposition.h"
#include "common/identity.h"

namespace vigil::collector {
namespace {

constexpr const char* kRuleActor = "rule";
constexpr const char* kSystemActor = "system";

std::string Summary(const alerting::AlertTransition& transition, const StringPairs& annotations) {
  for (const char* key : {"summary", "description"}) {
    for (const auto& [name, text] : annotations) {
      if (name == key && !text.empty()) return text;
    }
  }
  const std::string_view agent = alerting::LabelValue(transition.state.labels, "agent");
  return transition.state.rule + (agent.empty() ? "" : " on " + std::string(agent));
}

StringPairs ToPairs(const alerting::Labels& labels) {
  StringPairs out;
  for (const alerting::Label& label : labels) out.emplace_back(label.name, label.value);
  return out;
}

}  // namespace

IncidentBook::IncidentBook(IncidentStore& incidents, SilenceBook& silences,
                           prometheus::Registry& registry, const Clock& clock)
    : incidents_store_(incidents),
      silences_(silences),
      clock_(clock),
      opened_(prometheus::BuildCounter()
                  .Name("vigil_incidents_opened_total")
                  .Help("Incidents opened, by customer, severity and rule (manual ones as "
                        "rule=\"\").")
                  .Register(registry)) {}

alerting::Labels IncidentBook::SilenceableLabels(const IncidentRecord& incident) {
  alerting::Labels labels;
  for (const auto& [name, value] : incident.labels) labels.push_back({name, value});
  labels = alerting::Normalized(std::move(labels));
  alerting::SetLabel(labels, "alertname", incident.rule.empty() ? "manual" : incident.rule);
  alerting::SetLabel(labels, "severity", incident.severity);
  alerting::SetLabel(labels, "customer", incident.customer);
  alerting::SetLabel(labels, "agent", incident.agent);
  return labels;
}

std::vector<alerting::OutboxEntry> IncidentBook::Plan(const IncidentRecord& incident,
                                                      IncidentChange change) {
  if (observer_ == nullptr) return {};
  return observer_->Plan(incident, change);
}

void IncidentBook::Committed(const std::vector<alerting::OutboxEntry>& notifications) {
  if (observer_ != nullptr && !notifications.empty()) observer_->Committed(notifications);
}

Status IncidentBook::Open(IncidentRecord& incident, const std::string& actor,
                          const std::string& fired_text) {
  incident.id = "inc-" + GenerateTokenId();
  incident.updated_ms = incident.started_ms;
  incident.timeline.push_back({incident.started_ms, "fired", actor, fired_text});
  if (auto silence = silences_.Matching(SilenceableLabels(incident), incident.started_ms)) {
    incident.silenced = true;
    incident.timeline.push_back({incident.started_ms, "silenced", kSystemActor,
                                 "muted by silence " + *silence + "; not notified"});
  }
  const std::vector<alerting::OutboxEntry> notifications = Plan(incident, IncidentChange::kOpened);
  if (Status stored = incidents_store_.CreateIncident(incident, notifications); !stored)
    return stored;
  Committed(notifications);
  opened_
      .Add({{"customer", incident.customer},
            {"severity", incident.severity},
            {"rule", incident.rule}})
      .Increment();
  return OkStatus();
}

Status IncidentBook::OpenFromRule(const alerting::AlertTransition& transition) {
  std::lock_guard lock(mutex_);
  const alerting::SeriesStateRecord& state = transition.state;
  auto open = incidents_store_.FindOpenIncident(state.fingerprint);
  if (!open) return open.error();
  if (open->has_value()) return OkStatus();  // still the same incident (after a restart, say)
  auto previous = incidents_store_.LatestIncident(state.fingerprint);
  if (!previous) return previous.error();

  IncidentRecord incident;
  incident.source = "rule";
  incident.rule = transition.rule != nullptr ? transition.rule->name : state.rule;
  incident.fingerprint = state.fingerprint;
  incident.severity = std::string(SeverityName(state.severity));
  incident.customer = std::string(alerting::LabelValue(state.labels, "customer"));
  incident.agent = std::string(alerting::LabelValue(state.labels, "agent"));
  incident.labels = ToPairs(state.labels);
  incident.annotations = transition.annotations;
  incident.summary = Summary(transition, incident.annotations);
  incident.value = state.value;
  incident.started_ms = ToUnixMillis(transition.at);
  std::string text = incident.summary;
  if (previous->has_value()) {
    incident.previous_id = (*previous)->id;
    text += " (fired again; previous incident " + (*previous)->id + ")";
  }
  return Open(incident, kRuleActor, text);
}

Status IncidentBook::ResolveFromRule(const alerting::AlertTransition& transition) {
  std::lock_guard lock(mutex_);
  auto open = incidents_store_.FindOpenIncident(transition.state.fingerprint);
  if (!open) return open.error();
  if (!open->has_value()) return OkStatus();
  IncidentRecord incident = std::move(**open);
  // A timer may be noticed a moment after a person's change; the timeline stays in order.
  const std::int64_t at = std::max(ToUnixMillis(transition.at), incident.updated_ms);
  incident.state = IncidentState::kResolved;
  incident.resolved_ms = at;
  incident.resolved_by = kRuleActor;
  if (!std::isnan(transition.state.value)) incident.value = transition.state.value;
  incident.updated_ms = at;
  const std::string text = transition.rule == nullptr
                               ? "the rule " + transition.state.rule + " no longer exists"
                               : "the condition no longer holds";
  const std::vector<alerting::OutboxEntry> notifications =
      Plan(incident, IncidentChange::kResolved);
  if (Status stored = incidents_store_.UpdateIncident(
          incident, {{at, "resolved", kRuleActor, text}}, notifications);
      !stored) {
    return stored;
  }
  Committed(notifications);
  return OkStatus();
}

Result<IncidentRecord> IncidentBook::Load(const std::string& id) {
  auto found = incidents_store_.GetIncident(id);
  if (!found) return found.error();
  if (!found->has_value()) return MakeError(ErrorCode::kNotFound, "no incident with id " + id);
  return std::move(**found);
}

Result<IncidentRecord> IncidentBook::Get(const std::string& id) {
  std::lock_guard lock(mutex_);
  return Load(id);
}

Result<std::int64_t> IncidentBook::ChangeTime(const IncidentRecord& incident,
                                              std::optional<std::int64_t> at_ms) const {
  const std::int64_t now = ToUnixMillis(clock_.Now());
  if (!at_ms) return std::max(now, incident.updated_ms);
  if (*at_ms > now) return MakeError(ErrorCode::kInvalidTime, "at: is in the future");
  if (*at_ms < incident.updated_ms) {
    return MakeError(ErrorCode::kInvalidTime,
                     "at: is before the incident's last recorded change; import history in order");
  }
  return *at_ms;
}

Result<IncidentRecord> IncidentBook::Change(const std::string& id,
                                            std::optional<std::int64_t> at_ms,
                                            const Mutation& mutate) {
  std::lock_guard lock(mutex_);
  auto incident = Load(id);
  if (!incident) return incident;
  if (incident->state == IncidentState::kResolved && !mutate.allowed_when_resolved) {
    return MakeError(ErrorCode::kConflict, "incident " + id + " is resolved; " + mutate.refusal);
  }
  auto at = ChangeTime(*incident, at_ms);
  if (!at) return at.error();
  const IncidentState state_before = incident->state;
  std::vector<TimelineEntry> entries = mutate.apply(*incident, *at);
  if (entries.empty()) return incident;
  incident->updated_ms = *at;
  std::vector<alerting::OutboxEntry> notifications;
  if (incident->state != state_before) {
    notifications = Plan(*incident, incident->state == IncidentState::kResolved
                                        ? IncidentChange::kResolved
                                        : IncidentChange::kAcknowledged);
  }
  if (Status stored = incidents_store_.UpdateIncident(*incident, entries, notifications); !stored) {
    return stored.error();
  }
  Committed(notifications);
  incident->timeline.insert(incident->timeline.end(), entries.begin(), entries.end());
  return incident;
}

Result<IncidentRecord> IncidentBook::Acknowledge(const std::string& id, const std::string& actor,
                                                 const std::string& note,
                                                 std::optional<std::int64_t> at_ms) {
  if (note.size() > kMaxNoteBytes) return MakeError(ErrorCode::kBadRequest, "note: too long");
  return Change(id, at_ms,
                {false, "a resolved incident cannot be acknowledged",
                 [&](IncidentRecord& incident, std::int64_t at) -> std::vector<TimelineEntry> {
                   if (incident.state == IncidentState::kFiring) {
                     incident.state = IncidentState::kAcknowledged;
                     incident.acknowledged_ms = at;
                     incident.acknowledged_by = actor;
                     return {{at, "acknowledged", actor, note}};
                   }
                   // Acknowledged before: the first time stays; a note is still kept.
                   if (!note.empty()) return {{at, "note", actor, note}};
                   return {};
                 }});
}

Result<IncidentRecord> IncidentBook::Resolve(const std::string& id, const std::string& actor,
                                             const std::string& note,
                                             std::optional<std::int64_t> at_ms) {
  if (note.size() > kMaxNoteBytes) return MakeError(ErrorCode::kBadRequest, "note: too long");
  return Change(id, at_ms,
                {false, "it is resolved already",
                 [&](IncidentRecord& incident, std::int64_t at) -> std::vector<TimelineEntry> {
                   incident.state = IncidentState::kResolved;
                   incident.resolved_ms = at;
                   incident.resolved_by = actor;
                   return {{at, "resolved", actor, note}};
                 }});
}

Result<IncidentRecord> IncidentBook::AddNote(const std::string& id, const std::string& actor,
                                             const std::string& text,
                                             std::optional<std::int64_t> at_ms) {
  if (text.empty()) return MakeError(ErrorCode::kBadRequest, "text: required, and not empty");
  if (text.size() > kMaxNoteBytes) return MakeError(ErrorCode::kBadRequest, "text: too long");
  return Change(id, at_ms,
                {true, "", [&](IncidentRecord&, std::int64_t at) -> std::vector<TimelineEntry> {
                   return {{at, "note", actor, text}};
                 }});
}

Result<IncidentRecord> IncidentBook::OpenManual(const ManualIncident& manual,
                                                const std::string& actor,
                                                std::optional<std::int64_t> at_ms) {
  if (!IsSimpleName(manual.customer, 64)) {
    return MakeError(ErrorCode::kBadRequest,
                     "customer: required, 1 to 64 letters, digits, '.', '_' or '-'");
  }
  if (!ParseSeverity(manual.severity)) {
    return MakeError(ErrorCode::kBadRequest, "severity: expected critical, high, medium or low");
  }
  if (manual.summary.empty() || manual.summary.size() > kMaxSummaryBytes) {
    return MakeError(ErrorCode::kBadRequest,
                     "summary: required, at most " + std::to_string(kMaxSummaryBytes) + " bytes");
  }
  if (!manual.agent.empty() && !IsValidAgentId(manual.agent)) {
    return MakeError(ErrorCode::kBadRequest, "agent: not a valid agent id");
  }
  if (manual.labels.size() > 32) return MakeError(ErrorCode::kBadRequest, "labels: at most 32");
  for (const auto& [name, value] : manual.labels) {
    if (!IsValidLabelName(name) || name.rfind("__", 0) == 0) {
      return MakeError(ErrorCode::kBadRequest, "labels: \"" + name + "\" is not a label name");
    }
    if (value.size() > 1024)
      return MakeError(ErrorCode::kBadRequest, "labels." + name + ": too long");
  }
  const std::int64_t now = ToUnixMillis(clock_.Now());
  if (at_ms && *at_ms > now) return MakeError(ErrorCode::kInvalidTime, "at: is in the future");
  IncidentRecord incident;
  incident.source = "manual";
  incident.severity = manual.severity;
  incident.customer = manual.customer;
  incident.agent = manual.agent;
  alerting::Labels labels;
  for (const auto& [name, value] : manual.labels) labels.push_back({name, value});
  labels = alerting::Normalized(std::move(labels));
  alerting::SetLabel(labels, "customer", manual.customer);
  alerting::SetLabel(labels, "agent", manual.agent);
  incident.labels = ToPairs(labels);
  incident.summary = manual.summary;
  incident.started_ms = at_ms.value_or(now);
  // Manual incidents are not deduplicated: each is its own.
  incident.fingerprint = alerting::Fingerprint("manual", {{"id", GenerateTokenId()}});
  std::lock_guard lock(mutex_);
  if (Status opened = Open(incident, actor, manual.summary); !opened) return opened.error();
  return incident;
}

Status IncidentBook::ApplySilences(std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  auto open = incidents_store_.OpenIncidents();
  if (!open) return open.error();
  for (IncidentRecord& incident : *open) {
    auto silence = silences_.Matching(SilenceableLabels(incident), now_ms);
    if (silence.has_value() == incident.silenced) continue;
    incident.silenced = silence.has_value();
    const std::int64_t at = std::max(now_ms, incident.updated_ms);
    incident.updated_ms = at;
    const TimelineEntry entry =
        incident.silenced
            ? TimelineEntry{at, "silenced", kSystemActor, "muted by silence " + *silence}
            : TimelineEntry{at, "unsilenced", kSystemActor, "no silence matches any more"};
    const std::vector<alerting::OutboxEntry> notifications =
        Plan(incident, incident.silenced ? IncidentChange::kSilenced : IncidentChange::kUnsilenced);
    if (Status stored = incidents_store_.UpdateIncident(incident, {entry}, notifications);
        !stored) {
      return stored;
    }
    Committed(notifications);
  }
  return OkStatus();
}

}  // namespace vigil::collector
