#pragma once
// Reading collector.yaml's `sla` section.

#include "config/collector_config.h"
#include "config/detail/yaml_reader.h"

namespace vigil::config {

void ReadSlaSection(const Field& section, CollectorConfig::Sla& sla);

}  // namespace vigil::config
