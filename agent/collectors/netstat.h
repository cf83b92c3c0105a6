#pragma once
// The "netstat" collector: /proc/net/netstat, /proc/net/snmp and /proc/net/snmp6 as
// node_netstat_<Protocol>_<Field> (untyped), for the fields matching a regular expression, as
// node_exporter exports them.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "agent/collectors/collector.h"
#include "agent/collectors/name_filter.h"

namespace vigil::agent {

// Views into the parsed text, which must outlive them (parsing allocates no strings: a collection
// goes through some 300 fields of which node_exporter's filter keeps about 40).
struct ProtocolStat {
  std::string_view protocol;  // "Tcp", "IpExt", "Udp6", ...
  std::string_view field;     // "InSegs", ...
  double value = 0;
};

// "Proto: names" / "Proto: values" line pairs, as in /proc/net/netstat and /proc/net/snmp.
Result<std::vector<ProtocolStat>> ParseNetstatPairs(std::string_view text);
// "Name value" lines of /proc/net/snmp6; the protocol is the name up to its first '6'.
Result<std::vector<ProtocolStat>> ParseSnmp6(std::string_view text);

// Families for the stats whose "<Protocol>_<Field>" the filter keeps.
std::vector<wire::MetricFamily> NetstatFamilies(const std::vector<ProtocolStat>& stats,
                                                NameFilter& fields);

struct NetstatOptions {
  std::string root = "/";
  std::string fields;  // regular expression over "<Protocol>_<Field>"
};

std::unique_ptr<Collector> MakeNetstatCollector(NetstatOptions options);

}  // namespace vigil::agent
