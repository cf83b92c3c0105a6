#pragma once
// "tapestats": SCSI tape drives (st0, st1, …) from /sys/class/scsi_tape/<drive>/stats, as
// node_exporter 1.5 reports them (node_tape_*{device}; nanosecond counters as seconds).

#include "agent/collectors/collector.h"

namespace vigil::agent {

std::unique_ptr<Collector> MakeTapestatsCollector(std::string root);

}  // namespace vigil::agent
