#pragma once
// Builds the notifier's settings from collector.yaml's `notifications` section: reads the URL,
// secret and routing-key files and compiles the routes' matchers. Problems are located like any
// configuration problem; --check-config prints them. No secret appears in a message.

#include "alerting/notify_config.h"
#include "config/collector_config.h"

namespace vigil::collector {

config::Loaded<alerting::NotifyConfig> LoadNotifyConfig(const config::CollectorConfig& config);

}  // namespace vigil::collector
