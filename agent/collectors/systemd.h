#pragma once
// The "systemd" collector (off by default, as in upstream node_exporter): the state of every unit
// as node_systemd_unit_state{name,state,type} (one series per state, 1 for the current one; type is
// a service's Type, empty for other units), node_systemd_units{state} and
// node_systemd_system_running, and each socket unit's connections as
// node_systemd_socket_{accepted_connections_total,current_connections,refused_connections_total}
// — read over D-Bus with libdbus-1 (linked in, static in the static agent), not by running
// systemctl, and not through libsystemd, which has no static archive.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agent/collectors/collector.h"
#include "agent/collectors/name_filter.h"

namespace vigil::agent {

struct SystemdUnit {
  std::string name;          // "nginx.service"
  std::string active_state;  // "active", "failed", ...
  std::string service_type;  // "simple", "forking", ... for services; empty otherwise
  // A socket unit's connection counts (NAccepted, NConnections, and NRefused since systemd 239).
  struct SocketCounts {
    std::uint32_t accepted = 0;
    std::uint32_t connections = 0;
    std::optional<std::uint32_t> refused;
  };
  std::optional<SocketCounts> socket;
};

// Families for the units the filter keeps; `system_state` is the manager's SystemState.
std::vector<wire::MetricFamily> SystemdFamilies(const std::vector<SystemdUnit>& units,
                                                NameFilter& filter,
                                                const std::string& system_state);

struct SystemdOptions {
  std::string unit_include = ".+";
  std::string unit_exclude = ".+\\.(automount|device|mount|scope|slice|target)";
};

std::unique_ptr<Collector> MakeSystemdCollector(SystemdOptions options);

}  // namespace vigil::agent
