#pragma once
// Collectors of small kernel files, each a few lines of node_exporter's families:
//   "sockstat"  /proc/net/sockstat{,6}  node_sockstat_*
//   "vmstat"    /proc/vmstat            node_vmstat_* for names matching a regular expression
//   "filefd"    /proc/sys/fs/file-nr    node_filefd_allocated, node_filefd_maximum
//   "entropy"   /proc/sys/kernel/random node_entropy_available_bits, node_entropy_pool_size_bits
//   "pressure"  /proc/pressure/*        node_pressure_*_seconds_total
//   "schedstat" /proc/schedstat         node_schedstat_{running,waiting}_seconds_total{cpu},
//                                       node_schedstat_timeslices_total{cpu}

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/collectors/collector.h"
#include "agent/collectors/name_filter.h"

namespace vigil::agent {

// `ipv6` selects sockstat6 naming (no sockets_used line); page_size converts mem to mem_bytes.
Result<std::vector<wire::MetricFamily>> ParseSockstat(std::string_view text, double page_size);
std::vector<wire::MetricFamily> ParseVmstat(std::string_view text, NameFilter& fields);
Result<std::vector<wire::MetricFamily>> ParseFileNr(std::string_view text);
Result<std::vector<wire::MetricFamily>> EntropyFamilies(std::string_view available,
                                                        std::string_view pool_size);

struct PressureLine {
  double some_total_us = 0;
  std::optional<double> full_total_us;
};
Result<PressureLine> ParsePressure(std::string_view text);

// Reads cpu, io and memory in that order; like node_exporter, stops (without failing) at the first
// resource whose file is missing, keeping what it already read.
Gather PressureGather();

std::unique_ptr<Collector> MakeSockstatCollector(std::string root);
std::unique_ptr<Collector> MakeVmstatCollector(std::string root, const std::string& fields);
std::unique_ptr<Collector> MakeFilefdCollector(std::string root);
std::unique_ptr<Collector> MakeEntropyCollector(std::string root);
std::unique_ptr<Collector> MakePressureCollector(std::string root);
// Lines "cpuN" with at least nine counters; other lines (domains, version) are skipped.
std::vector<wire::MetricFamily> ParseSchedstat(std::string_view text);
std::unique_ptr<Collector> MakeSchedstatCollector(std::string root);

}  // namespace vigil::agent
