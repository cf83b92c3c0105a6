#pragma once
// Evaluates rules on series as they arrive, instead of on an evaluation interval.
//
// ApplySnapshot looks up, by metric name, the rules that can match the snapshot's series, and
// evaluates only those. Each (rule, series) pair has a state: inactive, pending (the condition
// holds, for less than `for`) or firing; a firing one whose condition clears keeps firing for
// `keep_firing_for` and resolves after, unless the condition holds again first. Timers for `for`
// and `keep_firing_for` run on the time passed in: the owner calls Advance(now) at NextDeadline(),
// so tests drive time by hand.
//
// A series that a rule matched and that is missing from the next snapshot of the same source
// (the host's filesystem was unmounted, the probe was removed) counts as its condition no longer
// holding. Every change of state is reported to the AlertSink, synchronously, so that the owner
// can persist it and open or resolve incidents.
//
// Not thread-safe: the owner serializes calls. The sink must not call back into the engine.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alerting/alert_state.h"
#include "alerting/rule.h"
#include "common/proto/vigil.pb.h"

namespace vigil::alerting {

// The durable part of one (rule, series) state, for persisting and restoring across restarts.
struct SeriesStateRecord {
  std::string rule;        // the rule's key (Rule::Key)
  std::string series_key;  // identifies the series within its rule; opaque
  std::string fingerprint;
  Labels labels;  // the incident's labels: the series' and the rule's
  AlertState state = AlertState::kPending;
  TimePoint active_since;               // when the condition began to hold
  std::optional<TimePoint> cleared_at;  // firing, but the condition has not held since then
  double value = 0;
  Severity severity = Severity::kHigh;
};

struct AlertTransition {
  enum class Kind {
    kPending,           // the condition holds; waiting for `for`
    kPendingCancelled,  // it stopped holding before `for` passed
    kFiring,            // open an incident
    kClearing,          // firing, and the condition stopped holding: keep_firing_for starts
    kResumed,           // firing, and the condition holds again before keep_firing_for passed
    kResolved,          // resolve the incident
  };
  Kind kind;
  const Rule* rule;                                              // valid during the call
  SeriesStateRecord state;                                       // after the transition
  std::vector<std::pair<std::string, std::string>> annotations;  // rendered; set for kFiring
  TimePoint at;  // when it happened (a timer's deadline, not when it was noticed)
};

class AlertSink {
 public:
  virtual ~AlertSink() = default;
  virtual void OnTransition(const AlertTransition& transition) = 0;
};

// Where a snapshot came from: its series replace those the same source of the same agent sent
// before. `target_labels` (agent, customer and the agent's own) are added to every series as
// /metrics renders them: a series label with the same name is renamed exported_NAME.
struct SnapshotOrigin {
  std::string customer;
  std::string agent;
  std::string source;
};

struct AlertStatus {
  Labels labels;
  AlertState state = AlertState::kInactive;
  TimePoint active_since;
  double value = 0;
};

struct RuleStatus {
  const Rule* rule = nullptr;
  AlertState state = AlertState::kInactive;  // the most advanced of its alerts
  std::size_t pending = 0;
  std::size_t firing = 0;
  std::vector<AlertStatus> alerts;  // pending and firing, at most max_alerts of them
};

class RuleEngine {
 public:
  // How a series' labels (name, 0xff, value, 0xff, ...) are hashed to find it; a hash picks the
  // candidates and equal labels decide. Tests pass one that collides; null: FNV-1a 64.
  using SeriesHash = std::uint64_t (*)(std::string_view canonical_labels);

  // `recording` rules write series that `rules` select (alerting/promql_rules.h).
  RuleEngine(std::vector<Rule> rules, AlertSink& sink, SeriesHash series_hash = nullptr,
             std::vector<RecordingRule> recording = {});
  ~RuleEngine();
  RuleEngine(const RuleEngine&) = delete;
  RuleEngine& operator=(const RuleEngine&) = delete;

  // When recording rules ran: every series they have written for the agent, as one snapshot
  // (source PromqlRuleSet::kRecordedSource) that replaces the one before, for /metrics.
  using Recorded = std::optional<wire::Snapshot>;
  Recorded ApplySnapshot(const SnapshotOrigin& origin, const Labels& target_labels,
                         const wire::Snapshot& snapshot, TimePoint now);

  // For rules without an expression (built-ins): the condition of the series `labels` (which
  // must include customer and agent) holds or not. `severity` overrides the rule's.
  void SetCondition(std::string_view rule, const Labels& labels, bool holds, double value,
                    std::optional<Severity> severity, TimePoint now);

  // Runs every timer due at or before `now`.
  void Advance(TimePoint now);
  // The earliest timer, if any (possibly one that no longer matters: waking for it is harmless).
  std::optional<TimePoint> NextDeadline() const;

  // Brings back states saved before a restart; their timers resume from their own times. States
  // of rules that no longer exist are reported as resolved at `now`.
  void Restore(const std::vector<SeriesStateRecord>& records, TimePoint now);

  // Forgets the state of the alert with this fingerprint (its incident was resolved by hand), so
  // that a condition that still holds opens a new incident. False when no such alert exists.
  bool Forget(std::string_view fingerprint, TimePoint now);

  std::vector<RuleStatus> Status(std::size_t max_alerts) const;
  const std::vector<Rule>& rules() const;
  // (rule, series) evaluations so far.
  std::uint64_t evaluations() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::alerting
