#pragma once
// "nvme": node_nvme_info{device,firmware_revision,model,serial,state} from /sys/class/nvme, as
// node_exporter 1.5 reports it. Hosts without NVMe controllers report nothing.

#include <memory>
#include <string>

#include "agent/collectors/collector.h"

namespace vigil::agent {

std::unique_ptr<Collector> MakeNvmeCollector(std::string root);

}  // namespace vigil::agent
