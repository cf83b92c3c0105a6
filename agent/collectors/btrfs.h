#pragma once
// "btrfs": space allocation of each Btrfs filesystem from /sys/fs/btrfs/<uuid>, and, for the
// mounted ones, each device's size, free space and error counters through the Btrfs ioctls on
// the mount point, as node_exporter 1.5 reports them (node_btrfs_*{uuid,…}). Where the ioctls
// cannot be used (not mounted under the root, another kernel), device sizes come from sysfs, as
// upstream's fallback. Hosts without Btrfs report nothing.

#include "agent/collectors/collector.h"

namespace vigil::agent {

std::unique_ptr<Collector> MakeBtrfsCollector(std::string root);

}  // namespace vigil::agent
