#include "alerting/promql_rules.h"

#include <algorithm>
#include <deque>
#include <unordered_map>

#include "alerting/promql/eval_support.h"
#include "alerting/promql/evaluator.h"
#include "alerting/target_labels.h"

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
};

PromqlRuleSet::PromqlRuleSet(std::vector<RuleQuery> rules) {
  for (RuleQuery& rule : rules) {
    Needs needs;
    Walk(*rule.query, needs);
    for (const std::string& metric : needs.metrics) by_metric_[metric].push_back(rules_.size());
    Indexed indexed{std::move(rule), needs.absent || !needs.selects || needs.nameless};
    keep_all_ = keep_all_ || needs.nameless;
    retention_ms_ = std::max(retention_ms_, needs.longest_ms);
    rules_.push_back(std::move(indexed));
  }
  retention_ms_ += kLookbackMs;
}

PromqlRuleSet::~PromqlRuleSet() = default;

std::vector<PromqlRuleSet::Evaluated> PromqlRuleSet::Apply(const std::string& agent,
                                                           const std::string& source,
                                                           const Labels& target_labels,
                                                           const wire::Snapshot& snapshot,
                                                           std::int64_t t_ms) {
  std::unique_ptr<AgentSeries>& series = agents_[agent];
  if (!series) series = std::make_unique<AgentSeries>();
  Labels target = target_labels;
  SetLabel(target, "instance", LabelValue(target_labels, "agent"));
  const std::set<std::string> stale = series->Record(
      source, target, snapshot, t_ms,
      [this](const std::string& metric) { return keep_all_ || by_metric_.count(metric) > 0; });
  series->Trim(t_ms - retention_ms_);

  // The rules whose metrics arrived or went stale, found through the index.
  std::vector<bool> triggered(rules_.size(), false);
  const auto trigger = [&](const std::string& metric) {
    auto found = by_metric_.find(metric);
    if (found == by_metric_.end()) return;
    for (std::size_t index : found->second) triggered[index] = true;
  };
  for (const wire::MetricFamily& family : snapshot.families()) trigger(family.name());
  for (const std::string& metric : stale) trigger(metric);
  std::vector<Evaluated> out;
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
  return out;
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

std::size_t PromqlRuleSet::points() const {
  std::size_t total = 0;
  for (const auto& [agent, series] : agents_) total += series->points();
  return total;
}

}  // namespace vigil::alerting
