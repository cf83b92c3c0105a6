#pragma once
// "dmi": node_dmi_info, the firmware's description of the machine from /sys/class/dmi/id (vendor,
// product, BIOS, board, chassis), read once as node_exporter 1.5 does; each attribute becomes a
// label when present and readable (serials are root-only: an unprivileged agent leaves them out).
// Machines without DMI (most ARM boards, some virtual machines) report nothing.

#include <memory>
#include <string>

#include "agent/collectors/collector.h"

namespace vigil::agent {

std::unique_ptr<Collector> MakeDmiCollector(std::string root);

}  // namespace vigil::agent
