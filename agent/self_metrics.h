#pragma once
// The agent's own metrics (vigil_agent_*), sent in every batch under the source "agent".

#include <chrono>
#include <cstdint>
#include <vector>

#include "agent/spool.h"
#include "agent/uplink.h"
#include "common/proto/vigil.pb.h"

namespace vigil::agent {

struct SelfState {
  // The sequence of the batch these metrics ride in: the number of batches this spool has
  // produced, counting that one.
  std::uint64_t batch_sequence = 0;
  SpoolStats spool;
  UplinkStats uplink;
  std::chrono::system_clock::time_point start_time;
};

std::vector<wire::MetricFamily> SelfFamilies(const SelfState& state);

}  // namespace vigil::agent
