#pragma once
// Small helpers for building wire metric families, the one metric model that agent collectors,
// the spool, the stream and the collector's live state share.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/proto/vigil.pb.h"

namespace vigil {

using LabelPairs = std::vector<std::pair<std::string, std::string>>;

wire::MetricFamily MakeFamily(std::string_view name, std::string_view help, wire::MetricType type);

// Appends one series; labels are kept in the given order (collectors give them sorted).
void AddSeries(wire::MetricFamily& family, double value, const LabelPairs& labels = {});

}  // namespace vigil
