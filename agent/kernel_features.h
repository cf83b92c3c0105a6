#pragma once
// What the running kernel offers the health collectors, checked once at start: a customer's
// RHEL 7 (3.10) has no PSI, no /proc/net/snmp6 without IPv6, no schedstat without its config
// option. Each collector whose source is missing already degrades by itself (it reports nothing,
// as node_exporter's do); this says so once, in one clear line per collector, so that an operator
// knows why a dashboard panel stays empty rather than seeing nothing at all.

#include <string>
#include <vector>

#include "config/agent_config.h"

namespace vigil::agent {

// One line per enabled collector whose kernel source is absent below health.root, naming the
// collector, the path and what it means ("pressure: /proc/pressure is not there (kernel before
// 4.20 or PSI off): no node_pressure_* series").
std::vector<std::string> MissingKernelFeatures(const config::AgentConfig::Health& health);

}  // namespace vigil::agent
