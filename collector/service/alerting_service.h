#pragma once
// The collector's alerting: evaluates rules on every applied batch (IngestObserver), runs the
// built-in rules, keeps rule states in the store so a restart resumes them, and turns firing and
// resolving into incidents (IncidentBook). Timers (`for`, `keep_firing_for`, absence, silence
// windows) run when the owner calls Tick at NextDeadline(); `wakeup` is called when a deadline
// earlier than the one last reported appears.
//
// Thread-safe: ingest threads, the API and the timer call in concurrently.

#include <prometheus/collectable.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "alerting/rule_engine.h"
#include "collector/incidents/agent_presence.h"
#include "collector/incidents/incident_book.h"
#include "collector/incidents/silence_book.h"
#include "collector/ingest/ingest_observer.h"
#include "collector/notify/notifier.h"
#include "collector/store/store.h"
#include "common/clock.h"
#include "config/collector_config.h"

namespace prometheus {
class Histogram;
class Registry;
}  // namespace prometheus

namespace vigil::collector {

class AlertingService final : public IngestObserver, public prometheus::Collectable {
 public:
  using TimePoint = alerting::TimePoint;

  // `rules` are the rule files' rules; the built-ins come from `config`; `notify` says where
  // incidents are sent.
  AlertingService(Store& store, prometheus::Registry& registry, const Clock& clock,
                  const config::CollectorConfig& config, alerting::FileRules rules,
                  alerting::NotifyConfig notify = {});
  ~AlertingService() override;

  // Loads silences, rule states and known agents from the store and starts delivering
  // notifications; call once before use.
  Status Start();
  // Stops the notification delivery thread.
  void Stop();
  // New rules and built-in settings: pending and firing states carry over through the store;
  // states of rules that are gone resolve. New receivers and routes.
  void Reload(const config::CollectorConfig& config, alerting::FileRules rules,
              alerting::NotifyConfig notify);
  void SetWakeup(std::function<void()> wakeup);
  // Where the series that recording rules write go, so that /metrics serves them; call before
  // the first batch.
  void SetLiveState(LiveState& live) { live_ = &live; }

  void AgentConnected(const AgentKey& agent, const AgentIdentity& identity) override;
  void BatchApplied(const AgentKey& agent, const wire::Batch& batch) override;
  void Heartbeat(const AgentKey& agent) override;
  void AgentSaidGoodbye(const AgentKey& agent) override;

  void Tick(TimePoint now);
  std::optional<TimePoint> NextDeadline() const;

  IncidentBook& incidents() { return incidents_; }
  Notifier& notifier() { return *notifier_; }
  Store& store() { return store_; }
  SilenceBook& silences() { return silences_; }

  // Resolves by hand; a rule whose condition still holds opens a new incident.
  Result<IncidentRecord> ResolveIncident(const std::string& id, const std::string& actor,
                                         const std::string& note,
                                         std::optional<std::int64_t> at_ms);
  // After silences changed: re-marks open incidents.
  Status SilencesChanged();

  // Each rule with the state of its series (at most `max_alerts` listed per rule).
  struct RuleView {
    alerting::Rule rule;  // without its severity hook
    alerting::RuleStatus status;
  };
  std::vector<RuleView> Rules(std::size_t max_alerts) const;

  // vigil_rule_evaluations_total, vigil_rules_firing, vigil_incidents_open, and the outbox's.
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  class Sink;
  const alerting::Labels& TargetLabels(const AgentKey& agent);  // mutex_ held
  void Clear(const alerting::Labels& labels, TimePoint now);    // mutex_ held
  std::optional<TimePoint> EarliestDeadline() const;            // mutex_ held
  void NoteDeadline();                                          // mutex_ held; may wake
  std::optional<Severity> ProbeSeverityOf(const alerting::Labels& labels) const;
  std::unique_ptr<alerting::RuleEngine> MakeEngine(alerting::FileRules rules);

  Store& store_;
  const Clock& clock_;
  SilenceBook silences_;
  IncidentBook incidents_;
  std::unique_ptr<Notifier> notifier_;
  std::unique_ptr<Sink> sink_;
  prometheus::Histogram& evaluation_seconds_;

  mutable std::mutex mutex_;
  config::CollectorConfig::BuiltinRules builtin_;  // guarded by mutex_
  LiveState* live_ = nullptr;
  std::unique_ptr<alerting::RuleEngine> engine_;                                // guarded by mutex_
  AgentPresence presence_;                                                      // guarded by mutex_
  std::unordered_map<AgentKey, alerting::Labels, AgentKeyHash> target_labels_;  // guarded by mutex_
  // (customer, agent, probe) -> the severity the probe's last event named; guarded by mutex_.
  std::map<std::tuple<std::string, std::string, std::string>, Severity> probe_severity_;
  std::optional<std::int64_t> silence_change_ms_;  // guarded by mutex_
  std::optional<TimePoint> reported_deadline_;     // guarded by mutex_
  std::function<void()> wakeup_;                   // guarded by mutex_
};

}  // namespace vigil::collector
