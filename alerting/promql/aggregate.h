#pragma once
// PromQL's aggregation operators over an instant vector. Internal to alerting/promql.

#include "alerting/promql/ast.h"
#include "alerting/promql/value.h"

namespace vigil::alerting::promql {

// `node` is the aggregation; `parameter` its evaluated parameter (topk's k, quantile's φ,
// count_values's label), or null.
Vector AggregateVector(const Node& node, Vector input, const Value* parameter);

}  // namespace vigil::alerting::promql
