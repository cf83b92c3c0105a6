#pragma once
// "xfs": per-filesystem XFS statistics from /sys/fs/xfs/<device>/stats/stats, as node_exporter 1.5
// reports them (node_xfs_*_total{device}). Hosts without mounted XFS report nothing.

#include "agent/collectors/collector.h"

namespace vigil::agent {

std::unique_ptr<Collector> MakeXfsCollector(std::string root);

}  // namespace vigil::agent
