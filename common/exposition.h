#pragma once
// Writing the Prometheus text exposition format (version 0.0.4). Values are written in the shortest
// form that reads back as the same double. This file knows only Vigil's wire families; the
// collector renders prometheus-cpp's families with the same pieces (collector/metrics_text.h).

#include <string>
#include <string_view>
#include <vector>

#include "common/proto/vigil.pb.h"

namespace vigil {

inline constexpr const char* kExpositionContentType = "text/plain; version=0.0.4; charset=utf-8";

// Renders families in order; families without series are left out.
std::string RenderText(const std::vector<wire::MetricFamily>& families);

// The pieces of a rendering, for other family representations.
void AppendHelpAndType(std::string& out, const std::string& name, std::string_view help,
                       const char* type);
// `\`, `"` and newline escaped as the format requires inside a label value.
void AppendLabelValue(std::string& out, std::string_view value);
// NaN, +Inf, -Inf, or the shortest round-trip decimal form.
void AppendSampleValue(std::string& out, double value);

// [a-zA-Z_:][a-zA-Z0-9_:]* and [a-zA-Z_][a-zA-Z0-9_]*, Prometheus's name rules.
bool IsValidMetricName(std::string_view name);
bool IsValidLabelName(std::string_view name);

}  // namespace vigil
