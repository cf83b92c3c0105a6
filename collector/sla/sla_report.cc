#include "collector/sla/sla_report.h"

#include <algorithm>
#include <cmath>

namespace vigil::collector {
namespace {

using std::chrono::milliseconds;

SlaStatistics Statistics(std::vector<milliseconds> values) {
  SlaStatistics out;
  if (values.empty()) return out;
  std::sort(values.begin(), values.end());
  const auto rank = [&](double p) {
    const auto index = static_cast<std::size_t>(std::ceil(p * static_cast<double>(values.size())));
    return values[std::max<std::size_t>(index, 1) - 1];
  };
  double sum = 0;
  for (milliseconds v : values) sum += static_cast<double>(v.count());
  out.mean_ms = sum / static_cast<double>(values.size());
  out.p50 = rank(0.5);
  out.p90 = rank(0.9);
  return out;
}

std::optional<double> Ratio(int met, int decided) {
  if (decided == 0) return std::nullopt;
  return static_cast<double>(met) / static_cast<double>(decided);
}

}  // namespace

SlaSummary SummarizeSla(const std::vector<const SlaItem*>& items) {
  std::vector<milliseconds> tta_business, ttr_business, tta_wall, ttr_wall;
  int response_met = 0, response_decided = 0, resolution_met = 0, resolution_decided = 0;
  double rating_sum = 0;
  SlaSummary summary;
  for (const SlaItem* item : items) {
    if (!item->resolved) ++summary.open;
    const SlaFigures* figures = item->sla ? &item->sla->figures : nullptr;
    if (item->responded) {
      tta_wall.push_back(item->response_wall);
      if (figures) tta_business.push_back(figures->response_business);
    }
    if (item->resolved) {
      ttr_wall.push_back(item->resolution_wall);
      if (figures) ttr_business.push_back(figures->resolution_business);
    }
    if (figures && figures->response_met) {
      ++response_decided;
      if (*figures->response_met)
        ++response_met;
      else
        ++summary.breaches;
    }
    if (figures && figures->resolution_met) {
      ++resolution_decided;
      if (*figures->resolution_met)
        ++resolution_met;
      else
        ++summary.breaches;
    }
    if (item->satisfaction) {
      ++summary.satisfaction_count;
      rating_sum += *item->satisfaction;
    }
  }
  if (!items.empty()) {
    summary.kind = items.front()->kind;
    summary.severity = items.front()->severity;
  }
  summary.count = static_cast<int>(items.size());
  summary.mtta_business = Statistics(std::move(tta_business));
  summary.mttr_business = Statistics(std::move(ttr_business));
  summary.mtta_wall = Statistics(std::move(tta_wall));
  summary.mttr_wall = Statistics(std::move(ttr_wall));
  summary.response_on_time_ratio = Ratio(response_met, response_decided);
  summary.resolution_on_time_ratio = Ratio(resolution_met, resolution_decided);
  if (summary.satisfaction_count > 0) {
    summary.satisfaction_mean = rating_sum / summary.satisfaction_count;
  }
  return summary;
}

}  // namespace vigil::collector
