#include "collector/ingest/metrics_text.h"

#include "common/exposition.h"

namespace vigil::collector {
namespace {

// One sample line: name<suffix>{labels[,extra="value"]} value [timestamp].
void AppendSample(std::string& out, const std::string& name, std::string_view suffix,
                  const prometheus::ClientMetric& metric, double value,
                  const char* extra_label = nullptr, double extra_value = 0) {
  out += name;
  out += suffix;
  if (!metric.label.empty() || extra_label != nullptr) {
    out += '{';
    bool first = true;
    for (const auto& label : metric.label) {
      if (!first) out += ',';
      first = false;
      out += label.name;
      out += "=\"";
      AppendLabelValue(out, label.value);
      out += '"';
    }
    if (extra_label != nullptr) {
      if (!first) out += ',';
      out += extra_label;
      out += "=\"";
      AppendSampleValue(out, extra_value);
      out += '"';
    }
    out += '}';
  }
  out += ' ';
  AppendSampleValue(out, value);
  if (metric.timestamp_ms != 0) {
    out += ' ';
    out += std::to_string(metric.timestamp_ms);
  }
  out += '\n';
}

}  // namespace

const char* ExpositionTypeName(prometheus::MetricType type) {
  switch (type) {
    case prometheus::MetricType::Counter: return "counter";
    case prometheus::MetricType::Gauge: return "gauge";
    case prometheus::MetricType::Summary: return "summary";
    case prometheus::MetricType::Histogram: return "histogram";
    default: return "untyped";
  }
}

std::string RenderText(const std::vector<prometheus::MetricFamily>& families) {
  std::string out;
  for (const prometheus::MetricFamily& family : families) {
    if (family.metric.empty()) continue;
    AppendHelpAndType(out, family.name, family.help, ExpositionTypeName(family.type));
    for (const prometheus::ClientMetric& metric : family.metric) {
      switch (family.type) {
        case prometheus::MetricType::Counter:
          AppendSample(out, family.name, "", metric, metric.counter.value);
          break;
        case prometheus::MetricType::Gauge:
          AppendSample(out, family.name, "", metric, metric.gauge.value);
          break;
        case prometheus::MetricType::Summary:
          for (const auto& quantile : metric.summary.quantile) {
            AppendSample(out, family.name, "", metric, quantile.value, "quantile",
                         quantile.quantile);
          }
          AppendSample(out, family.name, "_sum", metric, metric.summary.sample_sum);
          AppendSample(out, family.name, "_count", metric,
                       static_cast<double>(metric.summary.sample_count));
          break;
        case prometheus::MetricType::Histogram:
          for (const auto& bucket : metric.histogram.bucket) {
            AppendSample(out, family.name, "_bucket", metric,
                         static_cast<double>(bucket.cumulative_count), "le", bucket.upper_bound);
          }
          AppendSample(out, family.name, "_sum", metric, metric.histogram.sample_sum);
          AppendSample(out, family.name, "_count", metric,
                       static_cast<double>(metric.histogram.sample_count));
          break;
        default: AppendSample(out, family.name, "", metric, metric.untyped.value); break;
      }
    }
  }
  return out;
}

}  // namespace vigil::collector
