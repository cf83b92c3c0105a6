#pragma once
// Small helpers for building wire metric families, the one metric model that agent collectors,
// the spool, the stream and the collector's live state share.

#include <map>
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

// Families made as series arrive, one per name (the first help and type given win), for
// collectors whose metric names come from what they read (hwmon sensors, RAPL zones).
class FamiliesByName {
 public:
  void Add(const std::string& name, std::string_view help, wire::MetricType type, double value,
           const LabelPairs& labels);
  // The families in name order; leaves this empty.
  std::vector<wire::MetricFamily> Take();

 private:
  std::map<std::string, wire::MetricFamily> families_;
};

}  // namespace vigil
