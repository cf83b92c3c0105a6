#pragma once
// Reading agent.yaml's `security` section.

#include "config/agent_config.h"
#include "config/detail/yaml_reader.h"

namespace vigil::config {

void ReadSecuritySection(const Field& section, AgentConfig::Security& security);

}  // namespace vigil::config
