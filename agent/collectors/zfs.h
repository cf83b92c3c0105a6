#pragma once
// "zfs": OpenZFS's kstats from /proc/spl/kstat/zfs (ARC, DMU, ZIL, prefetch … as node_zfs_<area>_*,
// untyped with the kstat's name as help), each pool's I/O counters, datasets' objset counters and
// pool state, as node_exporter 1.5 reports them. Hosts without the zfs module report nothing.

#include "agent/collectors/collector.h"

namespace vigil::agent {

std::unique_ptr<Collector> MakeZfsCollector(std::string root);

}  // namespace vigil::agent
