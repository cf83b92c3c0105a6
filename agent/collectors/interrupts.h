#pragma once
// "interrupts" (off by default, as upstream): /proc/interrupts as node_interrupts_total
// {cpu,type,info,devices}, one series per interrupt and CPU, as node_exporter 1.5 reports it.

#include "agent/collectors/collector.h"

namespace vigil::agent {

std::unique_ptr<Collector> MakeInterruptsCollector(std::string root);

}  // namespace vigil::agent
