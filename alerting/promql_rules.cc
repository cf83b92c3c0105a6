#include "alerting/promql_rules.h"

#include <algorithm>
#include <deque>
#include <unordered_map>

#include "alerting/promql/eval_support.h"
#include "alerting/promql/evaluator.h"
#include "alerting/target_labels.h"
#include "common/log.h"

namespace vigil::alerting {
namespace {

constexpr std::int64_t kLookbackMs = promql::EvalOptions{}.lookback_ms;

struct Needs {
  std::set<std::string> metrics;
  bool nameless = false;        // a selector without a metric name
  bool selects = false;         // any selector at all
  bool absent = false;          // absent() answers when its series are missing
  std::int64_t longest_ms = 0;  // range plus offset
};

void Walk(const promql::Node& node, Needs& needs) {
  using Kind = promql::Node::Kind;
  if (node.kind == Kind::kVectorSelector || node.kind == Kind::kMatrixSelector) {
    needs.selects = true;
    if (node.text.empty()) {
      needs.nameless = true;
    } else {
      needs.metrics.insert(node.text);
    }
    needs.longest_ms = std::max(
        needs.longest_ms, node.range.count() + std::max<std::int64_t>(0, node.offset.count()));
  }
  if (node.kind == Kind::kCall && node.text.rfind("absent", 0) == 0) needs.absent = true;
  for (const promql::NodePtr& arg : node.args) Walk(*arg, needs);
  if (node.parameter) Walk(*node.parameter, needs);
}

}  // namespace

// One agent's recent points, as a SeriesSource for the evaluator.
class PromqlRuleSet::AgentSeries final : public promql::SeriesSource {
 public:
  // Adds the snapshot's points of the series `wanted` accepts; marks stale those the source sent
  // last time and not now. The metric names that went stale.
  template <typename Wanted>
  std::set<std::string> Record(const std::string& source, const Labels& target,
                               const wire::Snapshot& snapshot, std::int64_t t_ms, Wanted wanted) {
    std::set<SeriesKey> present;
    for (const wire::MetricFamily& family : snapshot.families()) {
      if (!wanted(family.name())) continue;
      const Labels name = {{std::string(promql::kMetricNameLabel), family.name()}};
      for (const wire::Series& series : family.series()) {
        Labels labels = MaterializeLabels(target, series.labels(), name);
        std::string key = promql::LabelsKey(labels);
        Stored& stored = series_[family.name()][key];
        if (stored.labels.empty()) {
          stored.labels = std::move(labels);
          stored.metric = family.name();
        }
        if (stored.points.empty() || stored.points.back().t_ms < t_ms) {
          stored.points.push_back({t_ms, series.value()});
        } else if (stored.points.back().t_ms == t_ms) {
          stored.points.back().value = series.value();  // rewritten at the same instant
        }
        present.emplace(family.name(), std::move(key));
      }
    }
    std::set<std::string> stale;
    std::set<SeriesKey>& previous = by_source_[source];
    for (const auto& [name, key] : previous) {
      if (present.count({name, key})) continue;
      auto metric = series_.find(name);
      if (metric == series_.end()) continue;
      auto it = metric->second.find(key);
      if (it == metric->second.end() || it->second.points.empty()) continue;
      const promql::Point& last = it->second.points.back();
      if (promql::IsStaleMarker(last.value) || last.t_ms >= t_ms) continue;
      it->second.points.push_back({t_ms, promql::StaleMarker()});
      stale.insert(it->second.metric);
    }
    previous = std::move(present);
    return stale;
  }

  void Trim(std::int64_t oldest_ms) {
    for (auto metric = series_.begin(); metric != series_.end();) {
      auto& of_metric = metric->second;
      for (auto it = of_metric.begin(); it != of_metric.end();) {
        auto& points = it->second.points;
        while (!points.empty() && points.front().t_ms < oldest_ms) points.pop_front();
        it = points.empty() ? of_metric.erase(it) : std::next(it);
      }
      metric = of_metric.empty() ? series_.erase(metric) : std::next(metric);
    }
  }

  std::vector<promql::Series> Select(const std::vector<LabelMatcher>& matchers,
                                     std::int64_t from_ms, std::int64_t to_ms) const override {
    std::vector<promql::Series> out;
    // A metric name given by equality picks one bucket; otherwise every metric is looked at.
    auto named = std::find_if(matchers.begin(), matchers.end(), [](const LabelMatcher& m) {
      return m.name() == promql::kMetricNameLabel && m.op() == MatchOp::kEqual;
    });
    for (const auto& [metric, of_metric] : series_) {
      if (named != matchers.end() && named->value() != metric) continue;
      for (const auto& entry : of_metric) {
        const Stored& stored = entry.second;  // not a structured binding: clang 14's lambdas
        if (!std::all_of(matchers.begin(), matchers.end(),
                         [&](const LabelMatcher& m) { return m.Matches(stored.labels); })) {
          continue;
        }
        promql::Series series{stored.labels, {}};
        for (const promql::Point& point : stored.points) {
          if (point.t_ms >= from_ms && point.t_ms <= to_ms) series.points.push_back(point);
        }
        if (!series.points.empty()) out.push_back(std::move(series));
      }
    }
    return out;
  }

  // What each recording rule last wrote for this agent, by the rule's index.
  std::vector<wire::MetricFamily>& recorded() { return recorded_; }

  std::size_t points() const {
    std::size_t total = 0;
    for (const auto& [metric, of_metric] : series_) {
      for (const auto& [key, stored] : of_metric) total += stored.points.size();
    }
    return total;
  }

 private:
  struct Stored {
    Labels labels;
    std::string metric;
    std::deque<promql::Point> points;
  };
  using SeriesKey = std::pair<std::string, std::string>;  // metric name, promql::LabelsKey
  // By metric name, then by labels.
  std::unordered_map<std::string, std::unordered_map<std::string, Stored>> series_;
  std::map<std::string, std::set<SeriesKey>> by_source_;  // the series of each source's last
  std::vector<wire::MetricFamily> recorded_;
};

// Every agent's series at once, as Prometheus scraping the fleet would hold them.
class PromqlRuleSet::FleetSource final : public promql::SeriesSource {
 public:
  explicit FleetSource(const std::map<std::string, std::unique_ptr<AgentSeries>>& agents)
      : agents_(agents) {}

  std::vector<promql::Series> Select(const std::vector<LabelMatcher>& matchers,
                                     std::int64_t from_ms, std::int64_t to_ms) const override {
    std::vector<promql::Series> out;
    for (const auto& [name, agent] : agents_) {
      std::vector<promql::Series> part = agent->Select(matchers, from_ms, to_ms);
      out.insert(out.end(), std::make_move_iterator(part.begin()),
                 std::make_move_iterator(part.end()));
    }
    return out;
  }

 private:
  const std::map<std::string, std::unique_ptr<AgentSeries>>& agents_;
};

bool IsFleetQuery(const promql::Node& query) {
  if (query.kind == promql::Node::Kind::kAggregate) {
    const auto& grouping = query.grouping;
    const bool names_owner =
        std::any_of(grouping.begin(), grouping.end(),
                    [](const std::string& l) { return l == "instance" || l == "agent"; });
    if (query.without == names_owner) return true;  // without(instance), or by() without it
  }
  if (query.parameter && IsFleetQuery(*query.parameter)) return true;
  return std::any_of(query.args.begin(), query.args.end(),
                     [](const promql::NodePtr& arg) { return IsFleetQuery(*arg); });
}

namespace {

// A recording rule's result as the series of the agent it ran for: without __name__ and the
// target's labels (added back to every series of the agent), with the rule's labels.
std::optional<wire::MetricFamily> WrittenFamily(const RecordingRule& rule, promql::Vector result,
                                                const Labels& target, std::string& error) {
  wire::MetricFamily family;
  family.set_name(rule.record);
  family.set_type(wire::METRIC_TYPE_GAUGE);
  family.set_help("Recorded by a rule.");
  std::set<std::string> seen;
  for (promql::Sample& sample : result) {
    Labels labels;
    for (Label& label : sample.labels) {
      if (label.name == promql::kMetricNameLabel || label.value.empty()) continue;
      if (LabelValue(target, label.name) == label.value) continue;
      labels.push_back(std::move(label));
    }
    for (const Label& label : rule.labels) SetLabel(labels, label.name, label.value);
    labels = Normalized(std::move(labels));
    if (!seen.insert(promql::LabelsKey(labels)).second) {
      error = "the result holds two series with the same labels once the rule's are applied";
      return std::nullopt;
    }
    wire::Series& series = *family.add_series();
    for (const Label& label : labels) {
      wire::Label& out = *series.add_labels();
      out.set_name(label.name);
      out.set_value(label.value);
    }
    series.set_value(sample.value);
  }
  return family;
}

}  // namespace

PromqlRuleSet::PromqlRuleSet(std::vector<RuleQuery> rules, std::vector<RecordingRule> recording) {
  for (RecordingRule& rule : recording) {
    Needs needs;
    Walk(*rule.query, needs);
    recording_metrics_.insert(needs.metrics.begin(), needs.metrics.end());
    keep_all_ = keep_all_ || needs.nameless;
    retention_ms_ = std::max(retention_ms_, needs.longest_ms);
    const bool always = needs.absent || !needs.selects || needs.nameless;
    recording_.push_back({std::move(rule), std::move(needs.metrics), always, {}});
  }
  for (RuleQuery& rule : rules) {
    Needs needs;
    Walk(*rule.query, needs);
    keep_all_ = keep_all_ || needs.nameless;
    retention_ms_ = std::max(retention_ms_, needs.longest_ms);
    if (rule.fleet) {
      fleet_metrics_.insert(needs.metrics.begin(), needs.metrics.end());
      fleet_.push_back({std::move(rule), 0});
      continue;
    }
    for (const std::string& metric : needs.metrics) by_metric_[metric].push_back(rules_.size());
    rules_.push_back({std::move(rule), needs.absent || !needs.selects || needs.nameless});
  }
  retention_ms_ += kLookbackMs;
}

PromqlRuleSet::~PromqlRuleSet() = default;

PromqlRuleSet::Applied PromqlRuleSet::Apply(const std::string& agent, const std::string& source,
                                            const Labels& target_labels,
                                            const wire::Snapshot& snapshot, std::int64_t t_ms) {
  std::unique_ptr<AgentSeries>& series = agents_[agent];
  if (!series) series = std::make_unique<AgentSeries>();
  Labels target = target_labels;
  SetLabel(target, "instance", LabelValue(target_labels, "agent"));
  const std::set<std::string> stale = series->Record(
      source, target, snapshot, t_ms, [this](const std::string& metric) { return Wanted(metric); });
  series->Trim(t_ms - retention_ms_);

  // The rules whose metrics arrived, went stale or were recorded, found through the index.
  std::vector<bool> triggered(rules_.size(), false);
  const auto trigger = [&](const std::string& metric) {
    auto found = by_metric_.find(metric);
    if (found == by_metric_.end()) return;
    for (std::size_t index : found->second) triggered[index] = true;
  };
  for (const wire::MetricFamily& family : snapshot.families()) trigger(family.name());
  for (const std::string& metric : stale) trigger(metric);
  Applied applied;
  if (!recording_.empty()) {
    // Only the names recording rules select are collected: most of a snapshot's are not.
    std::set<std::string> changed = stale;
    for (const wire::MetricFamily& family : snapshot.families()) {
      if (recording_metrics_.count(family.name())) changed.insert(family.name());
    }
    Record(*series, target, t_ms, changed, applied);
    for (const std::string& metric : changed) trigger(metric);
  }
  std::vector<Evaluated>& out = applied.evaluated;
  for (std::size_t index = 0; index < rules_.size(); ++index) {
    const Indexed& indexed = rules_[index];
    if (!indexed.always && !triggered[index]) continue;
    Evaluated evaluated;
    evaluated.rule = indexed.rule.rule;
    auto value = promql::Evaluate(*indexed.rule.query, *series, t_ms);
    if (!value) {
      evaluated.error = value.error().message;
    } else if (auto* vector = std::get_if<promql::Vector>(&*value)) {
      Compare(std::move(*vector), agent, target_labels, evaluated);
    }
    out.push_back(std::move(evaluated));
  }
  return applied;
}

bool PromqlRuleSet::Wanted(const std::string& metric) const {
  return keep_all_ || by_metric_.count(metric) > 0 || recording_metrics_.count(metric) > 0 ||
         fleet_metrics_.count(metric) > 0;
}

void PromqlRuleSet::Record(AgentSeries& series, const Labels& target, std::int64_t t_ms,
                           std::set<std::string>& changed, Applied& applied) {
  std::vector<wire::MetricFamily>& recorded = series.recorded();
  recorded.resize(recording_.size());
  bool ran = false;
  for (std::size_t index = 0; index < recording_.size(); ++index) {
    IndexedRecording& rule = recording_[index];
    if (!rule.always && std::none_of(rule.metrics.begin(), rule.metrics.end(),
                                     [&](const std::string& m) { return changed.count(m) > 0; })) {
      continue;
    }
    ran = true;
    auto value = promql::Evaluate(*rule.rule.query, series, t_ms);
    std::string error;
    std::optional<wire::MetricFamily> family;
    if (!value) {
      error = value.error().message;
    } else if (auto* vector = std::get_if<promql::Vector>(&*value)) {
      family = WrittenFamily(rule.rule, std::move(*vector), target, error);
    }
    if (!family) {
      if (error != rule.last_error) {
        LogWarning("recording rule " + rule.rule.record + " (" + rule.rule.origin + "): " + error);
      }
      rule.last_error = error;
      continue;
    }
    rule.last_error.clear();
    wire::Snapshot written;
    *written.add_families() = *family;
    const std::set<std::string> stale =
        series.Record("rule#" + std::to_string(index), target, written, t_ms,
                      [](const std::string&) { return true; });
    changed.insert(stale.begin(), stale.end());
    changed.insert(rule.rule.record);
    recorded[index] = std::move(*family);
  }
  if (!ran) return;
  // One family per name, whichever rules wrote it.
  wire::Snapshot& snapshot = applied.recorded.emplace();
  snapshot.set_source(std::string(kRecordedSource));
  snapshot.set_timestamp_ms(t_ms);
  std::map<std::string, wire::MetricFamily*> by_name;
  for (const wire::MetricFamily& family : recorded) {
    if (family.series_size() == 0) continue;
    wire::MetricFamily*& merged = by_name[family.name()];
    if (merged == nullptr) {
      merged = snapshot.add_families();
      *merged = family;
    } else {
      merged->mutable_series()->MergeFrom(family.series());
    }
  }
}

void PromqlRuleSet::Compare(promql::Vector result, const std::string& agent,
                            const Labels& target_labels, Evaluated& evaluated) {
  std::map<std::string, Labels> now;
  for (promql::Sample& sample : result) {
    Labels labels = std::move(sample.labels);
    SetLabel(labels, promql::kMetricNameLabel, "");
    for (std::string_view owner : {"customer", "agent"}) {
      if (LabelValue(labels, owner).empty()) {
        SetLabel(labels, owner, LabelValue(target_labels, owner));
      }
    }
    now.emplace(promql::LabelsKey(labels), labels);
    evaluated.holding.emplace_back(std::move(labels), sample.value);
  }
  auto [before, first] = holding_.try_emplace({evaluated.rule, agent});
  evaluated.first = first;
  for (auto& [key, labels] : before->second) {
    if (!now.count(key)) evaluated.stopped.push_back(std::move(labels));
  }
  before->second = std::move(now);
}

std::vector<PromqlRuleSet::Evaluated> PromqlRuleSet::EvaluateFleet(std::int64_t t_ms) {
  std::vector<Evaluated> out;
  const FleetSource fleet(agents_);
  for (FleetRule& rule : fleet_) {
    if (rule.next_ms > t_ms) continue;
    rule.next_ms = t_ms + rule.rule.fleet_interval_ms;
    Evaluated evaluated;
    evaluated.rule = rule.rule.rule;
    auto value = promql::Evaluate(*rule.rule.query, fleet, t_ms);
    if (!value) {
      evaluated.error = value.error().message;
    } else if (auto* vector = std::get_if<promql::Vector>(&*value)) {
      Compare(std::move(*vector), "", {}, evaluated);
    }
    out.push_back(std::move(evaluated));
  }
  return out;
}

std::optional<std::int64_t> PromqlRuleSet::NextFleetEvaluation() const {
  std::optional<std::int64_t> next;
  for (const FleetRule& rule : fleet_) {
    if (!next || rule.next_ms < *next) next = rule.next_ms;
  }
  return next;
}

std::size_t PromqlRuleSet::points() const {
  std::size_t total = 0;
  for (const auto& [agent, series] : agents_) total += series->points();
  return total;
}

}  // namespace vigil::alerting
