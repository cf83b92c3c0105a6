#pragma once
// Reading collector.yaml's `notifications` section.

#include "config/collector_config.h"
#include "config/detail/yaml_reader.h"

namespace vigil::config {

void ReadNotificationsSection(const Field& section, CollectorConfig::Notifications& notifications);

}  // namespace vigil::config
