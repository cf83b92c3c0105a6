#pragma once
// Evaluates a parsed PromQL expression (parser.h) at one instant over a SeriesSource, with
// Prometheus's semantics (https://prometheus.io/docs/prometheus/latest/querying/): an instant
// selector takes each series' latest point within the lookback (five minutes) before the instant;
// a range selector takes the points in [t - range, t] (both ends, as Prometheus 2.x); rate and
// increase extrapolate and correct counter resets; binary operators match vectors by labels, with
// on/ignoring and group_left/group_right; arithmetic and `bool` comparisons drop the metric name.
// Where Vigil differs, docs/rules.md says so.

#include <cstdint>

#include "alerting/promql/ast.h"
#include "alerting/promql/value.h"
#include "common/result.h"

namespace vigil::alerting::promql {

struct EvalOptions {
  std::int64_t lookback_ms = 5 * 60 * 1000;
};

// kInvalidArgument for what Prometheus refuses while evaluating: many-to-many matching without a
// set operator, duplicate series on the "one" side, a label set made twice.
Result<Value> Evaluate(const Node& node, const SeriesSource& source, std::int64_t t_ms,
                       const EvalOptions& options = {});

}  // namespace vigil::alerting::promql
