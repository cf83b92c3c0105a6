#include "collector/service/alerting_service.h"
#include "common/clock.h"

#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <algorithm>
#include <map>

#include "collector/incidents/rule_setup.h"
#include "collector/incidents/security_findings.h"
#include "common/log.h"

namespace vigil::collector {
namespace {

constexpr const char* kAgentDown = "AgentDown";
constexpr const char* kAgentStopped = "AgentStopped";
constexpr const char* kSecurityFinding = "SecurityFinding";

prometheus::ClientMetric Sample(std::vector<prometheus::ClientMetric::Label> labels, double value) {
  prometheus::ClientMetric metric;
  metric.label = std::move(labels);
  metric.counter.value = value;
  metric.gauge.value = value;
  return metric;
}

alerting::Labels MakeTargetLabels(const AgentKey& agent, const AgentIdentity& identity) {
  alerting::Labels labels = {{"agent", agent.agent_id}, {"customer", agent.customer}};
  for (const auto& [name, value] : identity.labels) labels.push_back({name, value});
  return alerting::Normalized(std::move(labels));
}

}  // namespace

// Persists rule states and opens and resolves incidents as the engine reports. Called with the
// service's mutex held.
class AlertingService::Sink final : public alerting::AlertSink {
 public:
  Sink(Store& store, IncidentBook& incidents) : store_(store), incidents_(incidents) {}

  void OnTransition(const alerting::AlertTransition& t) override {
    using Kind = alerting::AlertTransition::Kind;
    Status done = OkStatus();
    switch (t.kind) {
      case Kind::kPending:
      case Kind::kClearing:
      case Kind::kResumed: done = store_.rule_states().SaveRuleState(t.state); break;
      case Kind::kFiring:
        done = store_.rule_states().SaveRuleState(t.state);
        if (done) done = incidents_.OpenFromRule(t);
        break;
      case Kind::kPendingCancelled:
        done = store_.rule_states().DeleteRuleState(t.state.fingerprint);
        break;
      case Kind::kResolved:
        done = store_.rule_states().DeleteRuleState(t.state.fingerprint);
        if (done) done = incidents_.ResolveFromRule(t);
        break;
    }
    if (!done) {
      LogError("alerting: cannot record a change of rule " + t.state.rule + ": " +
               done.error().message);
    }
  }

 private:
  Store& store_;
  IncidentBook& incidents_;
};

AlertingService::AlertingService(Store& store, prometheus::Registry& registry, const Clock& clock,
                                 const config::CollectorConfig& config, alerting::FileRules rules,
                                 alerting::NotifyConfig notify)
    : store_(store),
      clock_(clock),
      silences_(store.silences()),
      incidents_(store.incidents(), silences_, registry, clock),
      notifier_(std::make_unique<Notifier>(store, registry, clock, std::move(notify))),
      sink_(std::make_unique<Sink>(store, incidents_)),
      evaluation_seconds_(
          prometheus::BuildHistogram()
              .Name("vigil_rule_evaluation_duration_seconds")
              .Help("Time spent evaluating rules on one applied batch.")
              .Register(registry)
              .Add({}, prometheus::Histogram::BucketBoundaries{0.00001, 0.00005, 0.0001, 0.0005,
                                                               0.001, 0.005, 0.01, 0.05, 0.1})),
      builtin_(config.builtin_rules),
      presence_(config.builtin_rules.agent_down_after) {
  incidents_.SetObserver(notifier_.get());
  engine_ = MakeEngine(std::move(rules));
}

AlertingService::~AlertingService() { notifier_->Stop(); }

void AlertingService::Stop() { notifier_->Stop(); }

std::unique_ptr<alerting::RuleEngine> AlertingService::MakeEngine(alerting::FileRules rules) {
  std::vector<alerting::Rule> all = BuiltinRules(
      builtin_, [this](const alerting::Labels& labels) { return ProbeSeverityOf(labels); });
  for (alerting::Rule& rule : rules.alerting) all.push_back(std::move(rule));
  return std::make_unique<alerting::RuleEngine>(std::move(all), *sink_, nullptr,
                                                std::move(rules.recording));
}

std::optional<Severity> AlertingService::ProbeSeverityOf(const alerting::Labels& labels) const {
  auto it = probe_severity_.find({std::string(alerting::LabelValue(labels, "customer")),
                                  std::string(alerting::LabelValue(labels, "agent")),
                                  std::string(alerting::LabelValue(labels, "probe"))});
  if (it == probe_severity_.end()) return std::nullopt;
  return it->second;
}

Status AlertingService::Start() {
  if (Status loaded = silences_.Load(); !loaded) return loaded;
  auto states = store_.rule_states().LoadRuleStates();
  if (!states) return states.error();
  auto agents = store_.agents().ListAgents();
  if (!agents) return agents.error();
  const TimePoint now = clock_.Now();
  std::lock_guard lock(mutex_);
  engine_->Restore(*states, now);
  // Every known agent gets agent_down_after from now to come back; one that said Goodbye last
  // counts as stopped.
  for (const AgentRecord& agent : *agents) {
    const AgentKey key{agent.customer, agent.agent_id};
    AgentIdentity identity;
    identity.labels = agent.labels;
    target_labels_[key] = MakeTargetLabels(key, identity);
    presence_.Contact(key, target_labels_[key], now);
    if (agent.goodbye_ms) presence_.Goodbye(key, now);
  }
  silence_change_ms_ = silences_.NextChange(ToUnixMillis(now));
  return notifier_->Start();
}

void AlertingService::Reload(const config::CollectorConfig& config, alerting::FileRules rules,
                             alerting::NotifyConfig notify) {
  notifier_->Reload(std::move(notify));
  auto states = store_.rule_states().LoadRuleStates();
  if (!states) {
    LogError("reload: cannot read rule states, keeping the running rules: " +
             states.error().message);
    return;
  }
  std::lock_guard lock(mutex_);
  builtin_ = config.builtin_rules;
  presence_.set_down_after(builtin_.agent_down_after);
  engine_ = MakeEngine(std::move(rules));
  engine_->Restore(*states, clock_.Now());
  LogInfo("alerting: " + std::to_string(engine_->rules().size()) + " rules loaded");
  NoteDeadline();
}

void AlertingService::SetWakeup(std::function<void()> wakeup) {
  std::lock_guard lock(mutex_);
  wakeup_ = std::move(wakeup);
}

const alerting::Labels& AlertingService::TargetLabels(const AgentKey& agent) {
  auto it = target_labels_.find(agent);
  if (it == target_labels_.end()) {
    it = target_labels_
             .emplace(agent,
                      alerting::Labels{{"agent", agent.agent_id}, {"customer", agent.customer}})
             .first;
  }
  return it->second;
}

void AlertingService::Clear(const alerting::Labels& labels, TimePoint now) {
  engine_->SetCondition(kAgentDown, labels, false, 0, std::nullopt, now);
  engine_->SetCondition(kAgentStopped, labels, false, 0, std::nullopt, now);
}

std::optional<AlertingService::TimePoint> AlertingService::EarliestDeadline() const {
  std::optional<TimePoint> next = engine_->NextDeadline();
  for (auto other : {presence_.NextDeadline(),
                     silence_change_ms_ ? std::optional(FromUnixMillis(*silence_change_ms_))
                                        : std::optional<TimePoint>()}) {
    if (other && (!next || *other < *next)) next = other;
  }
  return next;
}

void AlertingService::NoteDeadline() {
  const std::optional<TimePoint> next = EarliestDeadline();
  if (next && (!reported_deadline_ || *next < *reported_deadline_)) {
    reported_deadline_ = next;
    if (wakeup_) wakeup_();
  }
}

void AlertingService::AgentConnected(const AgentKey& agent, const AgentIdentity& identity) {
  const TimePoint now = clock_.Now();
  std::lock_guard lock(mutex_);
  const alerting::Labels labels = MakeTargetLabels(agent, identity);
  target_labels_[agent] = labels;
  if (auto cleared = presence_.Contact(agent, labels, now)) Clear(cleared->labels, now);
  // States restored after a restart are not known to presence: clear by the labels too.
  Clear(labels, now);
  NoteDeadline();
}

void AlertingService::BatchApplied(const AgentKey& agent, const wire::Batch& batch) {
  const TimePoint now = clock_.Now();
  const auto started = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  for (const wire::Event& event : batch.events()) {
    if (event.kind() != "probe_failed") continue;
    std::string probe;
    std::optional<Severity> severity;
    for (const wire::Label& label : event.labels()) {
      if (label.name() == "probe") probe = label.value();
      if (label.name() == "severity") severity = ParseSeverity(label.value());
    }
    const auto key = std::make_tuple(agent.customer, agent.agent_id, probe);
    if (severity) {
      probe_severity_[key] = *severity;
    } else {
      probe_severity_.erase(key);
    }
  }
  const alerting::Labels& target = TargetLabels(agent);
  if (auto changes =
          ApplySecurityEvents(store_.findings(), agent.customer, agent.agent_id, batch)) {
    for (const FindingChange& change : *changes) {
      alerting::Labels labels = target;
      alerting::SetLabel(labels, "check", change.finding.check);
      alerting::SetLabel(labels, "key", change.finding.key);
      engine_->SetCondition(kSecurityFinding, alerting::Normalized(std::move(labels)), change.holds,
                            1, ParseSeverity(change.finding.severity), now);
    }
  } else {
    LogError("alerting: cannot record the security findings of agent " + agent.agent_id + ": " +
             changes.error().message);
  }
  for (const wire::Snapshot& snapshot : batch.snapshots()) {
    std::optional<wire::Snapshot> recorded = engine_->ApplySnapshot(
        {agent.customer, agent.agent_id, snapshot.source()}, target, snapshot, now);
    if (recorded && live_ != nullptr) live_->ApplyRecorded(agent, *recorded);
  }
  if (auto cleared = presence_.Contact(agent, target, now)) Clear(cleared->labels, now);
  NoteDeadline();
  evaluation_seconds_.Observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
}

void AlertingService::Heartbeat(const AgentKey& agent) {
  const TimePoint now = clock_.Now();
  std::lock_guard lock(mutex_);
  if (auto cleared = presence_.Contact(agent, TargetLabels(agent), now)) {
    Clear(cleared->labels, now);
  }
  NoteDeadline();
}

void AlertingService::AgentSaidGoodbye(const AgentKey& agent) {
  const TimePoint now = clock_.Now();
  if (Status stored =
          store_.agents().RecordGoodbye(agent.customer, agent.agent_id, ToUnixMillis(now));
      !stored) {
    LogError("alerting: cannot record the goodbye of agent " + agent.agent_id + ": " +
             stored.error().message);
  }
  std::lock_guard lock(mutex_);
  presence_.Goodbye(agent, now);
  NoteDeadline();
}

void AlertingService::Tick(TimePoint now) {
  bool silences_due = false;
  {
    std::lock_guard lock(mutex_);
    reported_deadline_.reset();
    engine_->Advance(now);
    for (const AgentPresence::Change& change : presence_.Advance(now)) {
      const bool stopped = change.absence == AgentPresence::Absence::kStopped;
      engine_->SetCondition(stopped ? kAgentStopped : kAgentDown, change.labels, true, 1,
                            std::nullopt, now);
    }
    if (silence_change_ms_ && *silence_change_ms_ <= ToUnixMillis(now)) {
      silences_due = true;
      silence_change_ms_ = silences_.NextChange(ToUnixMillis(now));
    }
    NoteDeadline();
  }
  if (silences_due) {
    if (Status applied = incidents_.ApplySilences(ToUnixMillis(now)); !applied) {
      LogError("alerting: cannot apply silences: " + applied.error().message);
    }
  }
  notifier_->Tick(now);
}

std::optional<AlertingService::TimePoint> AlertingService::NextDeadline() const {
  std::optional<TimePoint> next;
  {
    std::lock_guard lock(mutex_);
    next = EarliestDeadline();
  }
  // Escalations and reminders are checked whenever the timer wakes (at least once a second);
  // they are not part of EarliestDeadline, which runs after every batch.
  if (auto due = notifier_->NextDue(); due && (!next || *due < *next)) next = due;
  return next;
}

Result<IncidentRecord> AlertingService::ResolveIncident(const std::string& id,
                                                        const std::string& actor,
                                                        const std::string& note,
                                                        std::optional<std::int64_t> at_ms) {
  auto resolved = incidents_.Resolve(id, actor, note, at_ms);
  if (!resolved || resolved->source != "rule") return resolved;
  std::lock_guard lock(mutex_);
  engine_->Forget(resolved->fingerprint, clock_.Now());
  if (resolved->rule == kAgentDown || resolved->rule == kAgentStopped) {
    presence_.Rearm({resolved->customer, resolved->agent}, clock_.Now());
  }
  NoteDeadline();
  return resolved;
}

Status AlertingService::SilencesChanged() {
  const std::int64_t now = ToUnixMillis(clock_.Now());
  {
    std::lock_guard lock(mutex_);
    silence_change_ms_ = silences_.NextChange(now);
    NoteDeadline();
  }
  return incidents_.ApplySilences(now);
}

std::vector<AlertingService::RuleView> AlertingService::Rules(std::size_t max_alerts) const {
  std::lock_guard lock(mutex_);
  std::vector<RuleView> out;
  for (alerting::RuleStatus& status : engine_->Status(max_alerts)) {
    alerting::Rule rule = *status.rule;
    rule.severity_of = nullptr;
    status.rule = nullptr;
    out.push_back({std::move(rule), std::move(status)});
  }
  return out;
}

std::vector<prometheus::MetricFamily> AlertingService::Collect() const {
  prometheus::MetricFamily evaluations{"vigil_rule_evaluations_total",
                                       "Rule evaluations on a series, since the collector started.",
                                       prometheus::MetricType::Counter,
                                       {}};
  prometheus::MetricFamily firing{"vigil_rules_firing",
                                  "Series for which the rule is firing.",
                                  prometheus::MetricType::Gauge,
                                  {}};
  {
    std::lock_guard lock(mutex_);
    evaluations.metric.push_back(Sample({}, static_cast<double>(engine_->evaluations())));
    // Prometheus-format files may give several rules one name: the series is the name's.
    std::map<std::string, std::size_t> firing_by_name;
    for (const alerting::RuleStatus& status : engine_->Status(0)) {
      firing_by_name[status.rule->name] += status.firing;
    }
    for (const auto& [name, count] : firing_by_name) {
      firing.metric.push_back(Sample({{"rule", name}}, static_cast<double>(count)));
    }
  }
  prometheus::MetricFamily open{"vigil_incidents_open",
                                "Incidents firing or acknowledged, by customer and severity.",
                                prometheus::MetricType::Gauge,
                                {}};
  if (auto incidents = store_.incidents().OpenIncidents()) {
    std::map<std::pair<std::string, std::string>, double> counts;
    for (const IncidentRecord& incident : *incidents) {
      counts[{incident.customer, incident.severity}] += 1;
    }
    for (const auto& [key, count] : counts) {
      open.metric.push_back(Sample({{"customer", key.first}, {"severity", key.second}}, count));
    }
  }
  std::vector<prometheus::MetricFamily> out;
  for (auto* family : {&evaluations, &firing, &open}) {
    if (!family->metric.empty()) out.push_back(std::move(*family));
  }
  for (prometheus::MetricFamily& family : notifier_->Collect()) out.push_back(std::move(family));
  return out;
}

}  // namespace vigil::collector
