#pragma once
// The samples one series has within a range function's window, and the functions over them.
// Times are the agent's sample timestamps in milliseconds; the window ends at the newest sample.

#include <cstdint>
#include <optional>
#include <vector>

#include "alerting/expr.h"

namespace vigil::alerting {

struct Sample {
  std::int64_t t_ms = 0;
  double value = 0;
};

class RangeWindow {
 public:
  // Appends a sample newer than the last one (others are ignored) and forgets the samples that
  // fell out of the window (range) ending at it.
  void Add(Sample sample, Duration range);

  // The function's value over the window, or nullopt when there are too few samples (rate and
  // increase need two), as PromQL returns no result then. rate and increase treat the series as
  // a counter: a decrease is a reset, and the result is extrapolated to the window's edges as
  // Prometheus does.
  std::optional<double> Evaluate(RangeFunction function, Duration range) const;

  std::size_t size() const { return samples_.size(); }

 private:
  // Oldest first. A vector, not a deque: most windows hold a few dozen samples, and a deque's
  // first block alone is larger than that (millions of series have a window).
  std::vector<Sample> samples_;
};

}  // namespace vigil::alerting
