#pragma once
// What the ingest server tells the rest of the collector about each agent's stream, after it has
// recorded it. Calls come from the ingest's I/O threads, concurrently for different agents.

#include "collector/ingest/live_state.h"
#include "common/proto/vigil.pb.h"

namespace vigil::collector {

class IngestObserver {
 public:
  virtual ~IngestObserver() = default;
  virtual void AgentConnected(const AgentKey& agent, const AgentIdentity& identity) = 0;
  // A new batch was applied (duplicates are not reported).
  virtual void BatchApplied(const AgentKey& agent, const wire::Batch& batch) = 0;
  virtual void Heartbeat(const AgentKey& agent) = 0;
  virtual void AgentSaidGoodbye(const AgentKey& agent) = 0;
};

}  // namespace vigil::collector
