#pragma once
// What the ingest accepts as an agent's first message, before it knows who the agent is
// (docs/protocol.md, "Hello"). Pure; shared by the ingest server and its fuzz target.

#include <optional>
#include <string>

#include "common/proto/vigil.pb.h"

namespace vigil::collector {

// Why a first message is refused: a reason of vigil_collector_connections_refused_total
// ("protocol_violation", "protocol_version", "invalid_hello") and a sentence for the agent's log.
struct HelloRefusal {
  std::string reason;
  std::string message;
};

// Refuses a first message that is not a Hello of this protocol version with an agent id, hostname,
// version and labels inside the rules (labels: common/identity.h's CheckAgentLabels).
std::optional<HelloRefusal> CheckFirstMessage(const wire::Envelope& first);

}  // namespace vigil::collector
