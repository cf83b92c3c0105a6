#pragma once
// The "systemd" collector (off by default, as in upstream node_exporter 1.5, whose defaults it
// follows): node_systemd_version{version}, node_systemd_units{state} over every unit systemd lists,
// and for the loaded units the filter keeps: node_systemd_unit_state{name,state,type} (one series
// per state, 1 for the current one; type is a service's or mount's Type, empty for other units),
// each socket's node_systemd_socket_{accepted_connections_total,current_connections,
// refused_connections_total}, each timer's node_systemd_timer_last_trigger_seconds, and
// node_systemd_system_running — read over D-Bus with libdbus-1 (linked in, static in the static
// agent), not by running systemctl, and not through libsystemd, which has no static archive.

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
  std::string load_state;    // "loaded", "not-found", ...
  std::string active_state;  // "active", "failed", ...
  std::string type;  // a service's ("simple", "notify", ...) or mount's Type; empty otherwise
  // A socket unit's connection counts (NAccepted, NConnections, and NRefused since systemd 239).
  struct SocketCounts {
    std::uint32_t accepted = 0;
    std::uint32_t connections = 0;
    std::optional<std::uint32_t> refused;
  };
  std::optional<SocketCounts> socket;
  std::optional<std::uint64_t> timer_last_trigger_usec;  // a timer's LastTriggerUSec
};

struct SystemdManager {
  std::string version;                      // the manager's Version, "252.39-1~deb12u2"; "" unread
  std::optional<std::string> system_state;  // SystemState (systemd 212 and later)
};

// The number node_exporter makes of a systemd version: its first run of three or more digits with
// the decimals after it ("252.39-1~deb12u2" → 252.39); 0 when there is none.
double SystemdVersionNumber(const std::string& version);

// Every unit systemd listed goes into node_systemd_units; the rest is for the loaded units the
// filter keeps.
std::vector<wire::MetricFamily> SystemdFamilies(const SystemdManager& manager,
                                                const std::vector<SystemdUnit>& units,
                                                NameFilter& filter);

struct SystemdOptions {
  std::string unit_include = ".+";
  std::string unit_exclude = ".+\\.(automount|device|mount|scope|slice)";
};

std::unique_ptr<Collector> MakeSystemdCollector(SystemdOptions options);

}  // namespace vigil::agent
