#pragma once
// Rendering metrics in the Prometheus text exposition format (version 0.0.4) from prometheus-cpp's
// MetricFamily. Values are written in the shortest form that reads back exactly.

#include <string>
#include <vector>

#include "common/proto/vigil.pb.h"

namespace prometheus {
struct MetricFamily;
}

namespace vigil {

inline constexpr const char* kExpositionContentType = "text/plain; version=0.0.4; charset=utf-8";

// Converts one wire family to prometheus-cpp's representation, series labels as they are.
prometheus::MetricFamily ToPrometheus(const wire::MetricFamily& family);

std::string RenderText(const std::vector<prometheus::MetricFamily>& families);

// Convenience for the agent's --once output: converts then renders.
std::string RenderText(const std::vector<wire::MetricFamily>& families);

// True when name is a valid Prometheus metric name / label name.
bool IsValidMetricName(const std::string& name);
bool IsValidLabelName(const std::string& name);

}  // namespace vigil
