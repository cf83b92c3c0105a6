#include "alerting/promql/range_functions.h"

#include <algorithm>
#include <cmath>

#include "alerting/promql/eval_support.h"

namespace vigil::alerting::promql {
namespace {

// Prometheus's extrapolatedRate: the increase between the first and last points (corrected for
// counter resets), extrapolated towards the range's ends by at most half an average interval,
// and never below zero for a counter.
std::optional<double> ExtrapolatedRate(const std::vector<Point>& points, std::int64_t range_start,
                                       std::int64_t range_end, bool counter, bool per_second) {
  if (points.size() < 2) return std::nullopt;
  const Point& first = points.front();
  const Point& last = points.back();
  double result = last.value - first.value;
  if (counter) {
    double previous = 0;
    for (const Point& point : points) {
      if (point.value < previous) result += previous;
      previous = point.value;
    }
  }
  double to_start = static_cast<double>(first.t_ms - range_start) / 1000;
  const double to_end = static_cast<double>(range_end - last.t_ms) / 1000;
  const double sampled = static_cast<double>(last.t_ms - first.t_ms) / 1000;
  const double average_interval = sampled / static_cast<double>(points.size() - 1);
  if (counter && result > 0 && first.value >= 0) {
    const double to_zero = sampled * (first.value / result);
    if (to_zero < to_start) to_start = to_zero;
  }
  const double threshold = average_interval * 1.1;
  double interval = sampled;
  interval += to_start < threshold ? to_start : average_interval / 2;
  interval += to_end < threshold ? to_end : average_interval / 2;
  result = result * (interval / sampled);
  if (per_second) result /= static_cast<double>(range_end - range_start) / 1000;
  return result;
}

std::optional<double> Instant(const std::vector<Point>& points, bool per_second) {
  if (points.size() < 2) return std::nullopt;
  const Point& previous = points[points.size() - 2];
  const Point& last = points.back();
  if (!per_second) return last.value - previous.value;
  const double interval = static_cast<double>(last.t_ms - previous.t_ms) / 1000;
  if (interval == 0) return std::nullopt;
  // A reset: the counter restarted from zero, so its value is the increase.
  const double increase = last.value < previous.value ? last.value : last.value - previous.value;
  return increase / interval;
}

// Least-squares slope and intercept, x in seconds from `intercept_ms`.
std::pair<double, double> LinearRegression(const std::vector<Point>& points,
                                           std::int64_t intercept_ms) {
  double n = 0, sum_x = 0, sum_y = 0, sum_xy = 0, sum_x2 = 0;
  bool constant = true;
  const double first_y = points.front().value;
  for (const Point& point : points) {
    const double x = static_cast<double>(point.t_ms - intercept_ms) / 1000;
    n += 1;
    sum_x += x;
    sum_y += point.value;
    sum_xy += x * point.value;
    sum_x2 += x * x;
    constant = constant && point.value == first_y;
  }
  if (constant) return {0, first_y};
  const double covariance = sum_xy - sum_x * sum_y / n;
  const double variance = sum_x2 - sum_x * sum_x / n;
  const double slope = covariance / variance;
  return {slope, sum_y / n - slope * sum_x / n};
}

std::optional<double> OverTime(std::string_view name, const std::vector<Point>& points,
                               double parameter) {
  if (points.empty()) return std::nullopt;
  const double n = static_cast<double>(points.size());
  double sum = 0;
  for (const Point& point : points) sum += point.value;
  if (name == "sum_over_time") return sum;
  if (name == "avg_over_time") return sum / n;
  if (name == "count_over_time") return n;
  if (name == "present_over_time") return 1;
  if (name == "last_over_time") return points.back().value;
  if (name == "min_over_time" || name == "max_over_time") {
    const bool min = name == "min_over_time";
    double best = points.front().value;
    for (const Point& point : points) {
      if ((min ? point.value < best : point.value > best) || std::isnan(best)) best = point.value;
    }
    return best;
  }
  if (name == "stddev_over_time" || name == "stdvar_over_time") {
    const double mean = sum / n;
    double squares = 0;
    for (const Point& point : points) squares += (point.value - mean) * (point.value - mean);
    return name == "stddev_over_time" ? std::sqrt(squares / n) : squares / n;
  }
  if (name == "quantile_over_time") {
    std::vector<double> values;
    for (const Point& point : points) values.push_back(point.value);
    return Quantile(parameter, std::move(values));
  }
  return std::nullopt;
}

double Changes(const std::vector<Point>& points, bool resets_only) {
  double count = 0;
  for (std::size_t i = 1; i < points.size(); ++i) {
    const double previous = points[i - 1].value;
    const double current = points[i].value;
    if (resets_only) {
      count += current < previous ? 1 : 0;
    } else if (current != previous && !(std::isnan(current) && std::isnan(previous))) {
      count += 1;
    }
  }
  return count;
}

}  // namespace

std::optional<double> EvaluateOverRange(const RangeCall& call, const std::vector<Point>& points) {
  const std::string_view name = call.name;
  if (name == "rate" || name == "increase" || name == "delta") {
    return ExtrapolatedRate(points, call.range_start_ms, call.range_end_ms, name != "delta",
                            name == "rate");
  }
  if (name == "irate") return Instant(points, true);
  if (name == "idelta") return Instant(points, false);
  if (name == "deriv") {
    if (points.size() < 2) return std::nullopt;
    return LinearRegression(points, points.front().t_ms).first;
  }
  if (name == "predict_linear") {
    if (points.size() < 2) return std::nullopt;
    const auto [slope, intercept] = LinearRegression(points, call.eval_ms);
    return slope * call.parameter + intercept;
  }
  if (name == "changes" || name == "resets") {
    if (points.empty()) return std::nullopt;
    return Changes(points, name == "resets");
  }
  return OverTime(name, points, call.parameter);
}

}  // namespace vigil::alerting::promql
