#include "alerting/rule_engine.h"

#include <cmath>
#include <functional>
#include <queue>
#include <set>
#include <unordered_map>

#include "alerting/promql_rules.h"
#include "alerting/range_window.h"
#include "alerting/series_refs.h"
#include "alerting/target_labels.h"
#include "common/clock.h"
#include "common/log.h"

namespace vigil::alerting {
namespace {

// A series within an origin: `ref` is unique among every series the engine knows (SeriesRefs).
struct SeriesId {
  std::uint32_t origin = 0;
  std::uint64_t ref = 0;
  bool operator==(const SeriesId&) const = default;
};

struct SeriesIdHash {
  std::size_t operator()(const SeriesId& id) const {
    return static_cast<std::size_t>(id.ref ^ (static_cast<std::uint64_t>(id.origin) << 47));
  }
};

}  // namespace

class RuleEngine::Impl {
 public:
  Impl(std::vector<Rule> rules, std::vector<RecordingRule> recording, AlertSink& sink,
       RuleEngine::SeriesHash series_hash)
      : sink_(sink), refs_(series_hash) {
    entries_.reserve(rules.size());
    std::unordered_map<std::string, std::size_t> group_by_selector;
    std::vector<PromqlRuleSet::RuleQuery> queries;
    for (Rule& rule : rules) {
      const std::size_t index = entries_.size();
      by_name_.emplace(rule.Key(), index);
      Entry entry{rule, {}, kNoGroup};
      if (rule.query) queries.push_back({index, rule.query, rule.fleet, rule.interval.count()});
      if (rule.expr) {
        // Rules with the same selector share one group: its matchers run once per series, and
        // its windows keep each range's samples once.
        std::string selector = rule.expr->metric;
        for (const LabelMatcher& matcher : rule.expr->matchers)
          selector += "," + matcher.ToString();
        auto [found, added] = group_by_selector.try_emplace(selector, groups_.size());
        if (added) {
          groups_.push_back(Group{rule.expr->metric, rule.expr->matchers, {}, {}});
          by_metric_[rule.expr->metric].push_back(found->second);
        }
        Group& group = groups_[found->second];
        entry.group = found->second;
        const Expr& expr = *rule.expr;
        std::size_t range_slot = 0;
        if (expr.function != RangeFunction::kNone) {
          auto slot = std::find(group.ranges.begin(), group.ranges.end(), expr.range);
          range_slot = static_cast<std::size_t>(slot - group.ranges.begin());
          if (slot == group.ranges.end()) group.ranges.push_back(expr.range);
        }
        group.rules.push_back(
            {index, expr.function, expr.range, range_slot, expr.comparison, expr.threshold});
      }
      rule_list_.push_back(std::move(rule));
      entries_.push_back(std::move(entry));
    }
    active_.assign(entries_.size(), 0);
    promql_ = std::make_unique<PromqlRuleSet>(std::move(queries), std::move(recording));
  }

  RuleEngine::Recorded ApplySnapshot(const SnapshotOrigin& origin, const Labels& target_labels,
                                     const wire::Snapshot& snapshot, TimePoint now) {
    const std::uint32_t origin_id =
        Intern(origin.customer + "/" + origin.agent + "/" + origin.source);
    // The origin's series from its last snapshot, sorted: their windows move over to this one's,
    // and those not taken over have vanished. Kept per origin, so that one agent's windows lie
    // together in memory.
    std::vector<Member>& members = members_[origin_id];
    Previous previous{std::move(members), {}};
    previous.taken.assign(previous.members.size(), false);
    members.clear();
    members.reserve(previous.members.size());
    const std::int64_t sample_ms =
        snapshot.timestamp_ms() != 0 ? snapshot.timestamp_ms() : ToUnixMillis(now);
    refs_.BeginSnapshot();
    for (const wire::MetricFamily& family : snapshot.families()) {
      auto indexed = by_metric_.find(family.name());
      if (indexed == by_metric_.end()) continue;
      for (const wire::Series& series : family.series()) {
        std::optional<std::uint64_t> ref;
        for (std::size_t group_index : indexed->second) {
          Group& group = groups_[group_index];
          if (!Selects(group, target_labels, series)) continue;
          if (!ref) ref = refs_.Of(origin_id, series.labels(), &WireName, &WireValue);
          Member member = TakeOver(group_index, *ref, previous);
          member.windows.resize(group.ranges.size());
          for (std::size_t slot = 0; slot < group.ranges.size(); ++slot) {
            member.windows[slot].Add({sample_ms, series.value()}, group.ranges[slot]);
          }
          Evaluate(group, member, {origin_id, *ref}, target_labels, series, now);
          members.push_back(std::move(member));
        }
      }
    }
    // Snapshots list their series in the same order each time, so this is nearly sorted already.
    std::sort(members.begin(), members.end());
    ClearVanished(origin_id, previous, now);
    if (promql_->empty()) return std::nullopt;
    return ApplyPromql(origin, target_labels, snapshot, sample_ms, now);
  }

  // The PromQL rules the snapshot can change (PromqlRuleSet compares each result with the last).
  // An evaluation error leaves the rule's alerts as they were, and is logged when it changes.
  RuleEngine::Recorded ApplyPromql(const SnapshotOrigin& origin, const Labels& target_labels,
                                   const wire::Snapshot& snapshot, std::int64_t sample_ms,
                                   TimePoint now) {
    const std::string agent = origin.customer + "/" + origin.agent;
    PromqlRuleSet::Applied applied =
        promql_->Apply(agent, origin.source, target_labels, snapshot, sample_ms);
    ApplyEvaluated(applied.evaluated, &origin, now);
    return std::move(applied.recorded);
  }

  // Results of PromQL rules, for `origin`'s agent or (null) for the fleet.
  void ApplyEvaluated(std::vector<PromqlRuleSet::Evaluated>& results, const SnapshotOrigin* origin,
                      TimePoint now) {
    for (auto& evaluated : results) {
      ++evaluations_;  // one evaluation of the rule over the agent's series
      const Rule& rule = entries_[evaluated.rule].rule;
      std::string& last_error = promql_errors_[evaluated.rule];
      if (evaluated.error) {
        if (last_error != *evaluated.error) {
          LogWarning("rule " + rule.name + " (" + rule.origin + "): " + *evaluated.error);
        }
        last_error = *evaluated.error;
        continue;
      }
      last_error.clear();
      for (const auto& [labels, value] : evaluated.holding) {
        SetCondition(rule.Key(), labels, true, value, std::nullopt, now);
      }
      if (evaluated.first) ClearRestored(evaluated.rule, origin, evaluated.holding, now);
      for (const Labels& labels : evaluated.stopped) {
        SetCondition(rule.Key(), labels, false, 0, std::nullopt, now);
      }
    }
  }

  // The first result for an agent since the engine started: its alerts restored from before a
  // restart that the result does not hold no longer hold (no earlier result names them).
  void ClearRestored(std::size_t index, const SnapshotOrigin* origin,
                     const std::vector<std::pair<Labels, double>>& holding, TimePoint now) {
    Entry& entry = entries_[index];
    const std::uint32_t rule_origin = Intern(entry.rule.Key());
    std::set<std::uint64_t> held;
    for (const auto& [labels, value] : holding) {
      held.insert(refs_.Of(rule_origin, labels, &LabelName, &LabelValueOf));
    }
    for (auto it = entry.states.begin(); it != entry.states.end();) {
      const auto next = std::next(it);
      State& state = it->second;
      if (it->first.origin == rule_origin && !held.count(it->first.ref) &&
          (origin == nullptr || (LabelValue(state.labels, "customer") == origin->customer &&
                                 LabelValue(state.labels, "agent") == origin->agent))) {
        ++evaluations_;
        Update(index, it->first, state, false, 0, now);
        if (state.state == AlertState::kInactive) Drop(entry, it);
      }
      it = next;
    }
  }

  void SetCondition(std::string_view rule, const Labels& labels, bool holds, double value,
                    std::optional<Severity> severity, TimePoint now) {
    auto found = by_name_.find(std::string(rule));
    if (found == by_name_.end()) return;
    Entry& entry = entries_[found->second];
    const std::uint32_t origin = Intern(std::string(rule));
    const SeriesId id{origin, refs_.Of(origin, labels, &LabelName, &LabelValueOf)};
    auto it = entry.states.find(id);
    if (it == entry.states.end()) {
      if (!holds) return;
      it = entry.states.try_emplace(id).first;
      ++active_[found->second];
    }
    State& state = it->second;
    if (holds && state.state == AlertState::kInactive) {
      state.labels = labels;
      for (const Label& label : entry.rule.labels) SetLabel(state.labels, label.name, label.value);
      state.severity = severity.value_or(entry.rule.severity);
    }
    ++evaluations_;
    Update(found->second, id, state, holds, value, now);
    if (state.state == AlertState::kInactive) Drop(entry, it);
  }

  void Advance(TimePoint now) {
    if (auto due = promql_->NextFleetEvaluation(); due && *due <= ToUnixMillis(now)) {
      auto results = promql_->EvaluateFleet(ToUnixMillis(now));
      ApplyEvaluated(results, nullptr, now);
    }
    while (!timers_.empty() && timers_.top().at <= now) {
      const Timer timer = timers_.top();
      timers_.pop();
      Entry& entry = entries_[timer.rule];
      auto it = entry.states.find(timer.id);
      if (it == entry.states.end() || it->second.timer_version != timer.version) continue;
      State& state = it->second;
      if (state.state == AlertState::kPending && state.holds) {
        Fire(timer.rule, timer.id, state, timer.at);
      } else if (state.state == AlertState::kFiring && state.cleared_at) {
        Resolve(timer.rule, timer.id, state, timer.at);
        Drop(entry, it);
      }
    }
  }

  std::optional<TimePoint> NextDeadline() const {
    std::optional<TimePoint> next;
    if (auto fleet = promql_->NextFleetEvaluation()) next = FromUnixMillis(*fleet);
    if (!timers_.empty() && (!next || timers_.top().at < *next)) next = timers_.top().at;
    return next;
  }

  void Restore(const std::vector<SeriesStateRecord>& records, TimePoint now) {
    for (const SeriesStateRecord& record : records) {
      auto found = by_name_.find(record.rule);
      const auto key = ParseSeriesKey(record.series_key);
      if (found == by_name_.end() || !key) {
        AlertTransition gone{AlertTransition::Kind::kResolved, nullptr, record, {}, now};
        sink_.OnTransition(gone);
        continue;
      }
      const std::uint32_t origin = Intern(key->first);
      Entry& entry = entries_[found->second];
      const SeriesId id{origin, refs_.Restored(origin, key->second)};
      auto [inserted_at, inserted] = entry.states.try_emplace(id);
      if (inserted) ++active_[found->second];
      State& state = inserted_at->second;
      state.state = record.state;
      state.holds = !record.cleared_at;
      state.value = record.value;
      state.active_since = record.active_since;
      state.cleared_at = record.cleared_at;
      state.labels = record.labels;
      state.fingerprint = record.fingerprint;
      state.severity = record.severity;
      by_fingerprint_[state.fingerprint] = {found->second, id};
      if (entry.group != kNoGroup) {
        std::vector<Member>& members = members_[origin];
        Member member{entry.group, id.ref, {}};
        auto at = std::lower_bound(members.begin(), members.end(), member);
        if (at == members.end() || at->Key() != member.Key()) members.insert(at, std::move(member));
      }
      if (state.state == AlertState::kPending) {
        Arm(found->second, id, state, state.active_since + entry.rule.for_duration);
      } else if (state.cleared_at) {
        Arm(found->second, id, state, *state.cleared_at + entry.rule.keep_firing_for);
      }
    }
  }

  bool Forget(std::string_view fingerprint, TimePoint now) {
    auto found = by_fingerprint_.find(std::string(fingerprint));
    if (found == by_fingerprint_.end()) return false;
    const auto [index, id] = found->second;
    Entry& entry = entries_[index];
    auto it = entry.states.find(id);
    if (it == entry.states.end()) return false;
    Resolve(index, id, it->second, now);
    Drop(entry, it);
    return true;
  }

  std::vector<RuleStatus> Status(std::size_t max_alerts) const {
    std::vector<RuleStatus> out;
    out.reserve(entries_.size());
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      RuleStatus status;
      status.rule = &rule_list_[i];
      for (const auto& [id, state] : entries_[i].states) {
        if (state.state == AlertState::kInactive) continue;
        (state.state == AlertState::kFiring ? status.firing : status.pending) += 1;
        if (status.alerts.size() < max_alerts) {
          status.alerts.push_back({state.labels, state.state, state.active_since, state.value});
        }
      }
      status.state = status.firing > 0    ? AlertState::kFiring
                     : status.pending > 0 ? AlertState::kPending
                                          : AlertState::kInactive;
      std::sort(status.alerts.begin(), status.alerts.end(),
                [](const AlertStatus& a, const AlertStatus& b) { return a.labels < b.labels; });
      out.push_back(std::move(status));
    }
    return out;
  }

  const std::vector<Rule>& rules() const { return rule_list_; }
  std::uint64_t evaluations() const { return evaluations_; }

 private:
  // One (rule, series) alert that is pending or firing; inactive ones are not kept.
  struct State {
    AlertState state = AlertState::kInactive;
    bool holds = false;
    double value = NAN;
    TimePoint active_since;
    std::optional<TimePoint> cleared_at;
    Labels labels;  // set when the condition first holds
    std::string fingerprint;
    Severity severity = Severity::kHigh;
    std::uint64_t timer_version = 0;
  };
  static constexpr std::size_t kNoGroup = static_cast<std::size_t>(-1);
  struct Entry {
    Rule rule;
    std::unordered_map<SeriesId, State, SeriesIdHash> states;
    std::size_t group;  // kNoGroup for rules without an expression
  };
  // What evaluating a rule reads, kept together with its group's for locality.
  struct GroupRule {
    std::size_t index;  // into entries_
    RangeFunction function;
    Duration range;
    std::size_t range_slot;  // which of the group's windows the function reads
    Comparison comparison;
    double threshold;
  };
  // The rules that share one selector, and the ranges their functions read.
  struct Group {
    std::string metric;
    std::vector<LabelMatcher> matchers;
    std::vector<GroupRule> rules;
    std::vector<Duration> ranges;
  };
  using StateIterator = std::unordered_map<SeriesId, State, SeriesIdHash>::iterator;
  // A series a group selected in its origin's last snapshot, with its samples for each of the
  // group's ranges.
  struct Member {
    std::size_t group;
    std::uint64_t ref;
    std::vector<RangeWindow> windows;
    std::pair<std::size_t, std::uint64_t> Key() const { return {group, ref}; }
    bool operator<(const Member& other) const { return Key() < other.Key(); }
  };
  // The members of an origin's last snapshot while the next one is applied: which of them the
  // new one took over.
  struct Previous {
    std::vector<Member> members;  // sorted
    std::vector<bool> taken;
  };
  struct Timer {
    TimePoint at;
    std::size_t rule;
    SeriesId id;
    std::uint64_t version;
    bool operator>(const Timer& other) const { return at > other.at; }
  };

  static bool Selects(const Group& group, const Labels& target_labels, const wire::Series& series) {
    return std::all_of(
        group.matchers.begin(), group.matchers.end(), [&](const LabelMatcher& matcher) {
          return matcher.Matches(LookupLabel(target_labels, series.labels(), matcher.name()));
        });
  }

  // The group's member for the series: the last snapshot's, with its windows, or a new one.
  static Member TakeOver(std::size_t group, std::uint64_t ref, Previous& previous) {
    Member member{group, ref, {}};
    auto found = std::lower_bound(previous.members.begin(), previous.members.end(), member);
    const auto at = static_cast<std::size_t>(found - previous.members.begin());
    if (found != previous.members.end() && found->Key() == member.Key() && !previous.taken[at]) {
      previous.taken[at] = true;
      member.windows = std::move(found->windows);
    }
    return member;
  }

  // Each of the group's rules on the series' new sample.
  void Evaluate(const Group& group, const Member& member, const SeriesId& id,
                const Labels& target_labels, const wire::Series& series, TimePoint now) {
    for (const GroupRule& rule : group.rules) {
      ++evaluations_;
      double value = series.value();
      if (rule.function != RangeFunction::kNone) {
        value = member.windows[rule.range_slot].Evaluate(rule.function, rule.range).value_or(NAN);
      }
      const bool holds = Compare(value, rule.comparison, rule.threshold);
      // Only pending and firing alerts have a state: the common case, a condition that does not
      // hold for a rule with no alert, costs no lookup.
      if (!holds && active_[rule.index] == 0) continue;
      const std::size_t index = rule.index;
      Entry& entry = entries_[index];
      auto it = entry.states.find(id);
      if (it == entry.states.end()) {
        if (!holds) continue;
        it = entry.states.try_emplace(id).first;
        ++active_[index];
        it->second.labels = MaterializeLabels(target_labels, series.labels(), entry.rule.labels);
        it->second.severity =
            entry.rule.severity_of
                ? entry.rule.severity_of(it->second.labels).value_or(entry.rule.severity)
                : entry.rule.severity;
      }
      Update(index, id, it->second, holds, value, now);
      if (it->second.state == AlertState::kInactive) Drop(entry, it);
    }
  }

  // Series selected before and absent now are gone from the host: the conditions of their alerts
  // no longer hold, and a series nothing refers to any more is forgotten.
  void ClearVanished(std::uint32_t origin, Previous& previous, TimePoint now) {
    for (std::size_t i = 0; i < previous.members.size(); ++i) {
      if (previous.taken[i]) continue;
      const SeriesId id{origin, previous.members[i].ref};
      bool still_referred = false;
      for (const GroupRule& rule : groups_[previous.members[i].group].rules) {
        Entry& entry = entries_[rule.index];
        auto it = entry.states.find(id);
        if (it == entry.states.end()) continue;
        Update(rule.index, id, it->second, false, it->second.value, now);
        if (it->second.state == AlertState::kInactive) {
          Drop(entry, it);
        } else {
          still_referred = true;
        }
      }
      if (!still_referred && !refs_.SeenInThisSnapshot(id.ref)) refs_.Release(id.ref);
    }
  }

  std::uint32_t Intern(const std::string& origin) {
    auto [it, inserted] =
        origins_.try_emplace(origin, static_cast<std::uint32_t>(origin_names_.size()));
    if (inserted) origin_names_.push_back(origin);
    return it->second;
  }

  // The state machine of one (rule, series): see the header.
  void Update(std::size_t index, const SeriesId& id, State& state, bool holds, double value,
              TimePoint now) {
    const Rule& rule = entries_[index].rule;
    state.holds = holds;
    if (holds) state.value = value;
    switch (state.state) {
      case AlertState::kInactive:
        if (!holds) return;
        state.active_since = now;
        state.fingerprint = Fingerprint(rule.Key(), state.labels);
        by_fingerprint_[state.fingerprint] = {index, id};
        if (rule.for_duration.count() == 0) {
          Fire(index, id, state, now);
        } else {
          state.state = AlertState::kPending;
          Emit(AlertTransition::Kind::kPending, rule, id, state, now);
          Arm(index, id, state, now + rule.for_duration);
        }
        return;
      case AlertState::kPending:
        if (!holds) {
          state.state = AlertState::kInactive;
          ++state.timer_version;
          by_fingerprint_.erase(state.fingerprint);
          Emit(AlertTransition::Kind::kPendingCancelled, rule, id, state, now);
        } else if (now >= state.active_since + rule.for_duration) {
          Fire(index, id, state, now);
        }
        return;
      case AlertState::kFiring:
        if (holds) {
          if (state.cleared_at) {
            state.cleared_at.reset();
            ++state.timer_version;
            Emit(AlertTransition::Kind::kResumed, rule, id, state, now);
          }
          return;
        }
        if (rule.keep_firing_for.count() == 0) {
          Resolve(index, id, state, now);
        } else if (!state.cleared_at) {
          state.cleared_at = now;
          Emit(AlertTransition::Kind::kClearing, rule, id, state, now);
          Arm(index, id, state, now + rule.keep_firing_for);
        } else if (now >= *state.cleared_at + rule.keep_firing_for) {
          Resolve(index, id, state, now);
        }
        return;
    }
  }

  void Fire(std::size_t index, const SeriesId& id, State& state, TimePoint at) {
    const Rule& rule = entries_[index].rule;
    state.state = AlertState::kFiring;
    state.cleared_at.reset();
    ++state.timer_version;
    Emit(AlertTransition::Kind::kFiring, rule, id, state, at);
  }

  void Resolve(std::size_t index, const SeriesId& id, State& state, TimePoint at) {
    const Rule& rule = entries_[index].rule;
    state.state = AlertState::kInactive;
    ++state.timer_version;
    by_fingerprint_.erase(state.fingerprint);
    Emit(AlertTransition::Kind::kResolved, rule, id, state, at);
    state.cleared_at.reset();
    state.labels.clear();
  }

  void Emit(AlertTransition::Kind kind, const Rule& rule, const SeriesId& id, const State& state,
            TimePoint at) {
    AlertTransition transition{kind, &rule, Record(rule, id, state), {}, at};
    if (kind == AlertTransition::Kind::kFiring) {
      for (const auto& [name, text] : rule.annotations) {
        transition.annotations.emplace_back(name, text.Render(state.labels, state.value));
      }
    }
    sink_.OnTransition(transition);
  }

  SeriesStateRecord Record(const Rule& rule, const SeriesId& id, const State& state) const {
    SeriesStateRecord record;
    record.rule = rule.Key();
    record.series_key = SeriesKey(origin_names_[id.origin], refs_.HashOf(id.ref));
    record.fingerprint = state.fingerprint;
    record.labels = state.labels;
    record.state = state.state;
    record.active_since = state.active_since;
    record.cleared_at = state.cleared_at;
    record.value = state.value;
    record.severity = state.severity;
    return record;
  }

  void Arm(std::size_t index, const SeriesId& id, State& state, TimePoint at) {
    timers_.push(Timer{at, index, id, ++state.timer_version});
  }

  void Drop(Entry& entry, StateIterator it) {
    if (it->second.state != AlertState::kInactive) by_fingerprint_.erase(it->second.fingerprint);
    entry.states.erase(it);
    --active_[static_cast<std::size_t>(&entry - entries_.data())];
  }

  AlertSink& sink_;
  SeriesRefs refs_;
  std::vector<Entry> entries_;
  std::vector<std::uint32_t> active_;  // per rule: how many states it has
  std::vector<Rule> rule_list_;        // the same rules, contiguous, for rules()
  std::vector<Group> groups_;
  std::unordered_map<std::string, std::vector<std::size_t>> by_metric_;  // metric -> groups
  std::unordered_map<std::string, std::size_t> by_name_;
  std::unordered_map<std::string, std::uint32_t> origins_;
  std::vector<std::string> origin_names_;
  // Per origin, the (group, series) pairs its last snapshot selected, sorted by that key.
  std::unordered_map<std::uint32_t, std::vector<Member>> members_;
  // Pending and firing alerts, by fingerprint.
  std::unordered_map<std::string, std::pair<std::size_t, SeriesId>> by_fingerprint_;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;
  std::uint64_t evaluations_ = 0;
  std::unique_ptr<PromqlRuleSet> promql_;
  std::map<std::size_t, std::string> promql_errors_;  // per PromQL rule: its last error
};

RuleEngine::RuleEngine(std::vector<Rule> rules, AlertSink& sink, SeriesHash series_hash,
                       std::vector<RecordingRule> recording)
    : impl_(std::make_unique<Impl>(std::move(rules), std::move(recording), sink, series_hash)) {}
RuleEngine::~RuleEngine() = default;
RuleEngine::Recorded RuleEngine::ApplySnapshot(const SnapshotOrigin& origin,
                                               const Labels& target_labels,
                                               const wire::Snapshot& snapshot, TimePoint now) {
  return impl_->ApplySnapshot(origin, target_labels, snapshot, now);
}
void RuleEngine::SetCondition(std::string_view rule, const Labels& labels, bool holds, double value,
                              std::optional<Severity> severity, TimePoint now) {
  impl_->SetCondition(rule, labels, holds, value, severity, now);
}
void RuleEngine::Advance(TimePoint now) { impl_->Advance(now); }
std::optional<TimePoint> RuleEngine::NextDeadline() const { return impl_->NextDeadline(); }
void RuleEngine::Restore(const std::vector<SeriesStateRecord>& records, TimePoint now) {
  impl_->Restore(records, now);
}
bool RuleEngine::Forget(std::string_view fingerprint, TimePoint now) {
  return impl_->Forget(fingerprint, now);
}
std::vector<RuleStatus> RuleEngine::Status(std::size_t max_alerts) const {
  return impl_->Status(max_alerts);
}
const std::vector<Rule>& RuleEngine::rules() const { return impl_->rules(); }
std::uint64_t RuleEngine::evaluations() const { return impl_->evaluations(); }

}  // namespace vigil::alerting
