#include "alerting/promql/value.h"

#include <algorithm>

namespace vigil::alerting::promql {

double StaleMarker() {
  double value;
  std::memcpy(&value, &kStaleNaNBits, sizeof value);
  return value;
}

bool IsStaleMarker(double value) {
  std::uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits == kStaleNaNBits;
}

void MemorySeriesSource::Add(const Labels& labels, Point point) {
  const Labels normalized = Normalized(labels);
  auto found = std::find_if(series_.begin(), series_.end(),
                            [&](const Series& s) { return s.labels == normalized; });
  if (found == series_.end()) {
    series_.push_back({normalized, {}});
    found = series_.end() - 1;
  }
  found->points.push_back(point);
}

std::vector<Series> MemorySeriesSource::Select(const std::vector<LabelMatcher>& matchers,
                                               std::int64_t from_ms, std::int64_t to_ms) const {
  std::vector<Series> out;
  for (const Series& series : series_) {
    if (!std::all_of(matchers.begin(), matchers.end(),
                     [&](const LabelMatcher& m) { return m.Matches(series.labels); })) {
      continue;
    }
    Series selected{series.labels, {}};
    for (const Point& point : series.points) {
      if (point.t_ms >= from_ms && point.t_ms <= to_ms) selected.points.push_back(point);
    }
    if (!selected.points.empty()) out.push_back(std::move(selected));
  }
  return out;
}

}  // namespace vigil::alerting::promql
