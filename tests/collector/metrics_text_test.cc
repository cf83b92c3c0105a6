#include "collector/ingest/metrics_text.h"

#include <gtest/gtest.h>

namespace vigil::collector {
namespace {

TEST(MetricsText, RendersHistogramsWithBucketsSumAndCount) {
  prometheus::MetricFamily family{
      "latency_seconds", "Latency.", prometheus::MetricType::Histogram, {}};
  prometheus::ClientMetric metric;
  metric.label = {{"path", "/x"}};
  metric.histogram.sample_count = 3;
  metric.histogram.sample_sum = 0.75;
  metric.histogram.bucket = {{1, 0.1}, {3, std::numeric_limits<double>::infinity()}};
  family.metric.push_back(metric);
  EXPECT_EQ(RenderText({family}),
            "# HELP latency_seconds Latency.\n# TYPE latency_seconds histogram\n"
            "latency_seconds_bucket{path=\"/x\",le=\"0.1\"} 1\n"
            "latency_seconds_bucket{path=\"/x\",le=\"+Inf\"} 3\n"
            "latency_seconds_sum{path=\"/x\"} 0.75\n"
            "latency_seconds_count{path=\"/x\"} 3\n");
}

TEST(MetricsText, RendersCountersAndGaugesByTheirOwnValue) {
  prometheus::MetricFamily counter{"c_total", "C.", prometheus::MetricType::Counter, {}};
  prometheus::ClientMetric metric;
  metric.counter.value = 5;
  metric.gauge.value = 99;  // not a gauge: ignored
  counter.metric.push_back(metric);
  EXPECT_EQ(RenderText({counter}), "# HELP c_total C.\n# TYPE c_total counter\nc_total 5\n");
}

}  // namespace
}  // namespace vigil::collector
