#pragma once
// Renders prometheus-cpp's families (the collector's registry and its live state) in the text
// exposition format with common/exposition's writer, so values round-trip exactly.

#include <prometheus/metric_family.h>

#include <string>
#include <vector>

namespace vigil::collector {

std::string RenderText(const std::vector<prometheus::MetricFamily>& families);

// "counter", "gauge", "summary", "histogram" or "untyped", as a TYPE line writes it.
const char* ExpositionTypeName(prometheus::MetricType type);

}  // namespace vigil::collector
