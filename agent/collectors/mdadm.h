#pragma once
// "mdadm": Linux software RAID from /proc/mdstat, as node_exporter 1.5 reads it:
//   node_md_state{device,state}        1 for the array's state: active, inactive, recovering,
//                                      resync or check
//   node_md_disks{device,state}        active, failed and spare members
//   node_md_disks_required{device}     members the array is meant to have
//   node_md_blocks{device}, node_md_blocks_synced{device}
// (node-mixin's NodeRAIDDegraded and NodeRAIDDiskFailure alerts read these.) Hosts without md
// report nothing.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "agent/collectors/collector.h"

namespace vigil::agent {

struct MdArray {
  std::string name;
  std::string state;  // active, inactive, recovering, resyncing, checking (or as mdstat says)
  std::int64_t disks_active = 0;
  std::int64_t disks_total = 0;
  std::int64_t disks_failed = 0;
  std::int64_t disks_spare = 0;
  std::int64_t blocks_total = 0;
  std::int64_t blocks_synced = 0;
};

// The arrays of /proc/mdstat; an error names what did not parse.
Result<std::vector<MdArray>> ParseMdstat(std::string_view text);
std::vector<wire::MetricFamily> MdFamilies(const std::vector<MdArray>& arrays);

std::unique_ptr<Collector> MakeMdadmCollector(std::string root);

}  // namespace vigil::agent
