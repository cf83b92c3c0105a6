#pragma once
// "timex": the kernel clock's discipline from adjtimex(2) (read-only, no privilege), as
// node_exporter 1.5 reports it: node_timex_sync_status, _offset_seconds, _maxerror_seconds and the
// rest. Like uname, it describes the running kernel whatever the collection root.

#include <sys/timex.h>

#include <memory>
#include <vector>

#include "agent/collectors/collector.h"

namespace vigil::agent {

// `state` is adjtimex's return value (TIME_ERROR: the clock is not synchronised).
std::vector<wire::MetricFamily> TimexFamilies(const struct timex& clock, int state);

std::unique_ptr<Collector> MakeTimexCollector();

}  // namespace vigil::agent
