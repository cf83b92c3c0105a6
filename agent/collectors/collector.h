#pragma once
// A health collector: reads one part of the host's state (a /proc file, a /sys tree) and turns it
// into metric families named as node_exporter names them.

#include <string>
#include <vector>

#include "common/proto/vigil.pb.h"
#include "common/result.h"

namespace vigil::agent {

class Collector {
 public:
  virtual ~Collector() = default;
  // Short name, as node_exporter's collector names ("cpu", "meminfo", "loadavg").
  virtual const std::string& name() const = 0;
  // Reads and parses once. An error leaves the other collectors running.
  virtual Result<std::vector<wire::MetricFamily>> Collect() = 0;
};

// Reads a whole file below `root` (e.g. root "/", relative "proc/stat"). Errors name the path.
Result<std::string> ReadFileUnderRoot(const std::string& root, const std::string& relative);

}  // namespace vigil::agent
