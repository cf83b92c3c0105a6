#pragma once
// Readers for keys that agent.yaml and collector.yaml share.

#include "common/log.h"
#include "config/detail/yaml_reader.h"

namespace vigil::config {

// log: {level: error|warning|info|debug}
void ReadLogSection(const Field& log, LogLevel& level);

// A host:port the process connects to (port 1-65535) or listens on (port 0 allowed: any free port).
void ReadAddress(const Field& field, std::string& out, bool allow_port_zero);

// A section that this version accepts but does not act on yet: records its path in
// `not_yet_supported` when it holds anything.
void NoteNotYetSupported(const Field& field, std::vector<std::string>& not_yet_supported);

}  // namespace vigil::config
