#include "alerting/range_window.h"

#include <algorithm>
#include <cmath>

namespace vigil::alerting {
namespace {

// Prometheus's extrapolated rate: the increase between the first and last sample (resets
// corrected), stretched towards the window's edges when the samples stop short of them.
double ExtrapolatedIncrease(const std::vector<Sample>& samples, std::int64_t range_start_ms,
                            std::int64_t range_end_ms) {
  double increase = samples.back().value - samples.front().value;
  for (std::size_t i = 1; i < samples.size(); ++i) {
    if (samples[i].value < samples[i - 1].value) increase += samples[i - 1].value;
  }
  const double sampled = static_cast<double>(samples.back().t_ms - samples.front().t_ms) / 1000.0;
  if (sampled <= 0) return 0;
  double to_start = static_cast<double>(samples.front().t_ms - range_start_ms) / 1000.0;
  const double to_end = static_cast<double>(range_end_ms - samples.back().t_ms) / 1000.0;
  const double average_gap = sampled / static_cast<double>(samples.size() - 1);
  // A counter does not extrapolate below zero.
  if (increase > 0 && samples.front().value >= 0) {
    const double to_zero = sampled * (samples.front().value / increase);
    to_start = std::min(to_start, to_zero);
  }
  const double threshold = average_gap * 1.1;
  double interval = sampled;
  interval += to_start < threshold ? to_start : average_gap / 2;
  interval += to_end < threshold ? to_end : average_gap / 2;
  return increase * (interval / sampled);
}

}  // namespace

void RangeWindow::Add(Sample sample, Duration range) {
  if (!samples_.empty() && sample.t_ms <= samples_.back().t_ms) return;
  samples_.push_back(sample);
  const std::int64_t oldest_kept = sample.t_ms - range.count();
  auto first_kept = std::find_if(samples_.begin(), samples_.end(),
                                 [&](const Sample& s) { return s.t_ms > oldest_kept; });
  samples_.erase(samples_.begin(), first_kept);
}

std::optional<double> RangeWindow::Evaluate(RangeFunction function, Duration range) const {
  if (samples_.empty()) return std::nullopt;
  switch (function) {
    case RangeFunction::kNone: return samples_.back().value;
    case RangeFunction::kRate:
    case RangeFunction::kIncrease: {
      if (samples_.size() < 2) return std::nullopt;
      const std::int64_t end = samples_.back().t_ms;
      const double increase = ExtrapolatedIncrease(samples_, end - range.count(), end);
      if (function == RangeFunction::kIncrease) return increase;
      return increase / (static_cast<double>(range.count()) / 1000.0);
    }
    case RangeFunction::kAvgOverTime: {
      double sum = 0;
      for (const Sample& s : samples_) sum += s.value;
      return sum / static_cast<double>(samples_.size());
    }
    case RangeFunction::kMinOverTime:
    case RangeFunction::kMaxOverTime: {
      double best = samples_.front().value;
      for (const Sample& s : samples_) {
        // NaN is replaced by any number, as in PromQL.
        if (std::isnan(best) ||
            (function == RangeFunction::kMinOverTime ? s.value < best : s.value > best)) {
          best = s.value;
        }
      }
      return best;
    }
  }
  return std::nullopt;
}

}  // namespace vigil::alerting
