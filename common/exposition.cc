#include "common/exposition.h"

#include <prometheus/check_names.h>
#include <prometheus/metric_family.h>
#include <prometheus/text_serializer.h>

#include <sstream>

namespace vigil {

prometheus::MetricFamily ToPrometheus(const wire::MetricFamily& family) {
  prometheus::MetricFamily out;
  out.name = family.name();
  out.help = family.help();
  switch (family.type()) {
    case wire::METRIC_TYPE_COUNTER:
      out.type = prometheus::MetricType::Counter;
      break;
    case wire::METRIC_TYPE_GAUGE:
      out.type = prometheus::MetricType::Gauge;
      break;
    default:
      out.type = prometheus::MetricType::Untyped;
      break;
  }
  out.metric.reserve(static_cast<std::size_t>(family.series_size()));
  for (const wire::Series& series : family.series()) {
    prometheus::ClientMetric metric;
    metric.label.reserve(static_cast<std::size_t>(series.labels_size()));
    for (const wire::Label& label : series.labels()) {
      metric.label.push_back({label.name(), label.value()});
    }
    metric.counter.value = series.value();
    metric.gauge.value = series.value();
    metric.untyped.value = series.value();
    out.metric.push_back(std::move(metric));
  }
  return out;
}

std::string RenderText(const std::vector<prometheus::MetricFamily>& families) {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, families);
  return out.str();
}

std::string RenderText(const std::vector<wire::MetricFamily>& families) {
  std::vector<prometheus::MetricFamily> converted;
  converted.reserve(families.size());
  for (const wire::MetricFamily& family : families) converted.push_back(ToPrometheus(family));
  return RenderText(converted);
}

bool IsValidMetricName(const std::string& name) { return prometheus::CheckMetricName(name); }
bool IsValidLabelName(const std::string& name) { return prometheus::CheckLabelName(name); }

}  // namespace vigil
