#pragma once
// What `vigil-agent --once` prints: one collection, as Prometheus text or JSON.

#include <string>
#include <vector>

#include "common/proto/vigil.pb.h"

namespace vigil::agent {

std::string RenderJson(const std::vector<wire::MetricFamily>& families);

}  // namespace vigil::agent
