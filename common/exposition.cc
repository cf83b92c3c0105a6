#include "common/exposition.h"

#include <prometheus/check_names.h>
#include <prometheus/metric_family.h>

#include <charconv>
#include <cmath>
#include <string_view>

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

namespace {

void AppendEscaped(std::string& out, std::string_view text, bool quote) {
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

// The shortest text that reads back as the same double, so values survive the round trip exactly
// (prometheus-cpp's TextSerializer, as Debian builds it, prints 16 significant digits, which does
// not always).
void AppendValue(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
  } else if (std::isinf(value)) {
    out += value < 0 ? "-Inf" : "+Inf";
  } else {
    char buffer[64];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(buffer, ec == std::errc() ? end : buffer);
  }
}

const char* TypeName(prometheus::MetricType type) {
  switch (type) {
    case prometheus::MetricType::Counter:
      return "counter";
    case prometheus::MetricType::Gauge:
      return "gauge";
    case prometheus::MetricType::Summary:
      return "summary";
    case prometheus::MetricType::Histogram:
      return "histogram";
    default:
      return "untyped";
  }
}

// One sample line: name{labels[,extra="value"]} value.
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
      AppendEscaped(out, label.value, true);
      out += '"';
    }
    if (extra_label != nullptr) {
      if (!first) out += ',';
      out += extra_label;
      out += "=\"";
      AppendValue(out, extra_value);
      out += '"';
    }
    out += '}';
  }
  out += ' ';
  AppendValue(out, value);
  if (metric.timestamp_ms != 0) {
    out += ' ';
    out += std::to_string(metric.timestamp_ms);
  }
  out += '\n';
}

}  // namespace

std::string RenderText(const std::vector<prometheus::MetricFamily>& families) {
  std::string out;
  for (const prometheus::MetricFamily& family : families) {
    if (family.metric.empty()) continue;
    out += "# HELP ";
    out += family.name;
    out += ' ';
    AppendEscaped(out, family.help, false);
    out += "\n# TYPE ";
    out += family.name;
    out += ' ';
    out += TypeName(family.type);
    out += '\n';
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
        default:
          AppendSample(out, family.name, "", metric, metric.untyped.value);
          break;
      }
    }
  }
  return out;
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
