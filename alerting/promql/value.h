#pragma once
// What a PromQL expression evaluates to, and the series it reads: points in milliseconds since
// the epoch, label sets that include the metric name as __name__ (alerting/labels.h keeps them
// sorted by name).

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "alerting/label_matcher.h"
#include "alerting/labels.h"

namespace vigil::alerting::promql {

inline constexpr std::string_view kMetricNameLabel = "__name__";

struct Point {
  std::int64_t t_ms = 0;
  double value = 0;
};

// Prometheus's staleness marker: a NaN with this payload, written when a series the source sent
// before is missing from its next snapshot. An instant selector whose latest point is the marker
// selects nothing; range selectors skip markers.
inline constexpr std::uint64_t kStaleNaNBits = 0x7ff0000000000002ULL;
double StaleMarker();
bool IsStaleMarker(double value);

// A series with its points, oldest first.
struct Series {
  Labels labels;
  std::vector<Point> points;
};

// One element of an instant vector: a series' labels and its value at the evaluation time (the
// sample's own time is kept for timestamp()).
struct Sample {
  Labels labels;
  double value = 0;
  std::int64_t t_ms = 0;
};

using Vector = std::vector<Sample>;
using Matrix = std::vector<Series>;
using Value = std::variant<double, Vector, Matrix, std::string>;

// Where an evaluation reads series from. Implementations return every series whose labels match
// all `matchers` (a metric name given in the selector arrives as a __name__ matcher), with its
// points in [from_ms, to_ms], oldest first; a series without points there may be left out.
class SeriesSource {
 public:
  virtual ~SeriesSource() = default;
  virtual std::vector<Series> Select(const std::vector<LabelMatcher>& matchers,
                                     std::int64_t from_ms, std::int64_t to_ms) const = 0;
};

// A SeriesSource over series held in memory: rule unit tests, and the tests of the evaluator.
class MemorySeriesSource : public SeriesSource {
 public:
  // Adds `point` to the series of `labels` (sorted by Normalized); points must arrive in time
  // order per series.
  void Add(const Labels& labels, Point point);
  std::vector<Series> Select(const std::vector<LabelMatcher>& matchers, std::int64_t from_ms,
                             std::int64_t to_ms) const override;

 private:
  std::vector<Series> series_;
};

}  // namespace vigil::alerting::promql
