#pragma once
// "bcache": each bcache cache set from /sys/fs/bcache/<uuid> with its backing devices (bdevN) and
// cache devices (cacheN), as node_exporter 1.5 reports them (node_bcache_*{uuid,…}), sizes read
// back from bcache's human-readable units ("1.5M") with upstream's arithmetic. Hosts without
// bcache report nothing. Priority statistics (upstream's opt-in flag) are not read.

#include <cstdint>
#include <optional>
#include <string_view>

#include "agent/collectors/collector.h"

namespace vigil::agent {

std::unique_ptr<Collector> MakeBcacheCollector(std::string root);

// bcache's human-readable sizes ("512", "1.5k", "3.2G") to a number, as procfs reads them: a
// fraction is read as tenths of 1024 (bcache prints one digit of a binary fraction).
std::optional<std::uint64_t> DehumanizeBcacheSize(std::string_view text);

}  // namespace vigil::agent
