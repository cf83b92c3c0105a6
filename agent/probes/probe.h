#pragma once
// What one run of a service probe found. Probes report through vigil_probe_* families; see
// prober.h.

#include <string>
#include <vector>

namespace vigil::agent {

struct ProbeGauge {
  std::string name;  // full metric name, e.g. "vigil_probe_http_status_code"
  std::string help;
  double value = 0;
  bool counter = false;
};

struct ProbeResult {
  bool success = false;
  double duration_seconds = 0;
  std::string failure;             // why it failed, for logs and events; empty on success
  std::vector<ProbeGauge> gauges;  // probe-specific figures
};

}  // namespace vigil::agent
