#pragma once
// Rules written in PromQL (alerting/promql), evaluated the moment an agent's snapshot arrives.
//
// Per agent, it keeps the recent points of the series its rules can select (by metric name; all
// series when a rule selects without one), as long as the longest range, offset and the lookback
// need. Each series carries the labels a Prometheus scraping that agent's own target would give
// it: the series' own, the target's (agent, customer, the agent's labels, instance = the agent's
// id), colliding ones renamed exported_NAME, and __name__. A series the same source sent before
// and leaves out of its next snapshot gets a staleness marker, as a scrape would.
//
// A snapshot evaluates only the rules whose metric names it carries or marked stale (and rules
// that can answer without their series: absent(), time(), ...). Each evaluation answers with the
// alerts that hold — a sample's labels without __name__, with the agent's customer and agent when
// an aggregation took them away (an incident belongs to an agent) — and those of the rule's last
// result for the agent that no longer do.
//
// Recording rules run first, in their order, on the same trigger: what one writes is a series of
// the agent (without the target's labels, which every series gets anyway) that the rules after it
// see at once, and that goes stale, as a scrape's would, when the rule stops writing it.
//
// Not thread-safe: the owner (RuleEngine) serializes calls.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "alerting/labels.h"
#include "alerting/promql/ast.h"
#include "alerting/promql/value.h"
#include "alerting/rule.h"
#include "common/proto/vigil.pb.h"

namespace vigil::alerting {

// Whether Prometheus, evaluating `query` over a fleet, would mix agents' series: an aggregation
// that keeps neither `instance` nor `agent` does ("more than three hosts of a customer", "kernel
// versions differ").
bool IsFleetQuery(const promql::Node& query);

class PromqlRuleSet {
 public:
  struct RuleQuery {
    std::size_t rule = 0;  // the caller's index
    std::shared_ptr<const promql::Node> query;
    // Evaluated every `fleet_interval_ms` over every agent's series (EvaluateFleet) instead of
    // on each agent's snapshots.
    bool fleet = false;
    std::int64_t fleet_interval_ms = 60'000;  // more than 0
  };
  struct Evaluated {
    std::size_t rule = 0;
    std::vector<std::pair<Labels, double>> holding;  // empty when the rule's error is set
    std::vector<Labels> stopped;                     // held by the last result, not by this one
    bool first = false;  // the rule's first result for this agent since the set was made
    std::optional<std::string> error;
  };

  struct Applied {
    std::vector<Evaluated> evaluated;
    // When a recording rule ran: the series all of them last wrote for the agent, as one snapshot
    // of source kRecordedSource (for /metrics).
    std::optional<wire::Snapshot> recorded;
  };
  static constexpr std::string_view kRecordedSource = "vigil:recording_rules";

  // A recording rule's evaluation error leaves what it wrote as it was, and is logged when it
  // changes.
  explicit PromqlRuleSet(std::vector<RuleQuery> rules, std::vector<RecordingRule> recording = {});
  ~PromqlRuleSet();
  bool empty() const { return rules_.empty() && recording_.empty() && fleet_.empty(); }

  // `agent` names the agent ("customer/agent"), `source` the snapshot's source within it.
  Applied Apply(const std::string& agent, const std::string& source, const Labels& target_labels,
                const wire::Snapshot& snapshot, std::int64_t t_ms);

  // The fleet rules due at `t_ms` (each is first due at once), over the series of every agent:
  // their alerts are the fleet's, with the customer and agent labels only when the result keeps
  // them.
  std::vector<Evaluated> EvaluateFleet(std::int64_t t_ms);
  // When the next fleet rule is due; nullopt without fleet rules.
  std::optional<std::int64_t> NextFleetEvaluation() const;

  // Points held over all agents, for tests and metrics.
  std::size_t points() const;

 private:
  class AgentSeries;
  class FleetSource;
  struct FleetRule {
    RuleQuery rule;
    std::int64_t next_ms = 0;
  };
  struct Indexed {
    RuleQuery rule;
    bool always = false;  // it can answer without the snapshot's series
  };
  struct IndexedRecording {
    RecordingRule rule;
    std::set<std::string> metrics;  // the metric names its selectors name
    bool always = false;
    std::string last_error;
  };

  bool Wanted(const std::string& metric) const;
  // Runs the recording rules that `changed` (metric names) can change, adding what they write to
  // `changed`.
  void Record(AgentSeries& series, const Labels& target, std::int64_t t_ms,
              std::set<std::string>& changed, Applied& applied);

  // Fills `evaluated` from the rule's result for `agent`, and remembers what held.
  void Compare(promql::Vector result, const std::string& agent, const Labels& target_labels,
               Evaluated& evaluated);

  std::vector<Indexed> rules_;
  std::vector<FleetRule> fleet_;
  std::set<std::string> fleet_metrics_;  // the metric names fleet rules select
  std::vector<IndexedRecording> recording_;
  std::set<std::string> recording_metrics_;  // the metric names recording rules select
  // Metric name → the rules (indices into rules_) whose selectors name it.
  std::unordered_map<std::string, std::vector<std::size_t>> by_metric_;
  bool keep_all_ = false;  // a rule selects without a metric name
  std::int64_t retention_ms_ = 0;
  std::map<std::string, std::unique_ptr<AgentSeries>> agents_;
  // Per (rule, agent): the alerts its last result held, by their labels.
  std::map<std::pair<std::size_t, std::string>, std::map<std::string, Labels>> holding_;
};

}  // namespace vigil::alerting
