#pragma once
// "selinux": node_selinux_enabled, and when it is, node_selinux_config_mode and
// node_selinux_current_mode (1 enforcing, 0 permissive, -1 disabled), as node_exporter 1.5
// reports them. Like uname and timex it describes the running kernel, whatever the collection
// root: selinuxfs at /sys/fs/selinux, the configured mode in /etc/selinux/config.

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "agent/collectors/collector.h"

namespace vigil::agent {

// SELINUX= of /etc/selinux/config as a mode: enforcing 1, permissive 0, anything else -1.
int SelinuxConfigMode(std::string_view config);

std::unique_ptr<Collector> MakeSelinuxCollector();

}  // namespace vigil::agent
