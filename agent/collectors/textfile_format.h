#pragma once
// Prometheus's text exposition format as the textfile collector accepts it: counter, gauge and
// untyped families (node_exporter's textfile collector takes the same files). Client timestamps,
// histograms and summaries are refused: Vigil does not carry them.

#include <string>
#include <string_view>
#include <vector>

#include "common/proto/vigil.pb.h"
#include "common/result.h"

namespace vigil::agent {

inline constexpr std::size_t kMaxTextfileBytes = 4 << 20;
inline constexpr std::size_t kMaxTextfileSeries = 20000;

// Parses one file's text. `file` names the file in the help of families that have none. Errors
// say what is wrong and on which line.
Result<std::vector<wire::MetricFamily>> ParseTextfile(std::string_view text,
                                                      const std::string& file);

}  // namespace vigil::agent
