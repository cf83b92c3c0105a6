#pragma once
// Agents and their stream's progress: which batch sequence each has had applied.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "collector/store/page.h"
#include "common/result.h"

namespace vigil::collector {

struct AgentRecord {
  std::string customer;
  std::string agent_id;
  std::string hostname;
  std::string version;
  std::uint64_t last_sequence = 0;    // highest batch sequence applied
  std::uint64_t batches_applied = 0;  // batches applied, ever
  std::int64_t last_seen_ms = 0;
  StringPairs labels;                      // from its last Hello
  std::optional<std::int64_t> goodbye_ms;  // it said Goodbye then, and has not said Hello since
};

enum class BatchOutcome { kApplied, kDuplicate };

class AgentStore {
 public:
  virtual ~AgentStore() = default;
  // Creates or updates the agent (hostname, version, labels, last seen; clears its Goodbye) and
  // returns its progress.
  virtual Result<AgentRecord> RecordHello(const std::string& customer, const std::string& agent_id,
                                          const std::string& hostname, const std::string& version,
                                          std::int64_t at_ms, const StringPairs& labels = {}) = 0;
  // Marks batch `sequence` of the agent applied: kApplied (and counted) when it is beyond the last
  // applied sequence, kDuplicate otherwise. The agent must have said Hello before.
  virtual Result<BatchOutcome> RecordBatch(const std::string& customer, const std::string& agent_id,
                                           std::uint64_t sequence, std::int64_t at_ms) = 0;
  // The agent said Goodbye: a planned stop.
  virtual Status RecordGoodbye(const std::string& customer, const std::string& agent_id,
                               std::int64_t at_ms) = 0;
  // By customer, then agent id.
  virtual Result<std::vector<AgentRecord>> ListAgents() = 0;
};

}  // namespace vigil::collector
