#pragma once
// What `vigil-agent --once` prints: one collection (and scan), as Prometheus text or JSON.

#include <string>
#include <vector>

#include "common/proto/vigil.pb.h"

namespace vigil::agent {

struct Finding;

// {"metrics": [families], "findings": [findings, each with every field]}.
std::string RenderJson(const std::vector<wire::MetricFamily>& families,
                       const std::vector<Finding>& findings);

}  // namespace vigil::agent
