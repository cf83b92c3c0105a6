#pragma once
// The functions of a range vector, one series' points at a time (rate, increase, delta, irate,
// idelta, deriv, predict_linear, changes, resets and every *_over_time), as Prometheus 2.x
// computes them. Internal to alerting/promql.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "alerting/promql/value.h"

namespace vigil::alerting::promql {

struct RangeCall {
  std::string_view name;
  std::int64_t range_start_ms = 0;  // the evaluation time less offset and range
  std::int64_t range_end_ms = 0;    // the evaluation time less offset
  std::int64_t eval_ms = 0;         // the evaluation time: predict_linear predicts from here
  double parameter = 0;             // predict_linear's seconds, quantile_over_time's φ
};

// nullopt: the series gives no sample (too few points).
std::optional<double> EvaluateOverRange(const RangeCall& call, const std::vector<Point>& points);

}  // namespace vigil::alerting::promql
