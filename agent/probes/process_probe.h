#pragma once
// The "process" probe: counts the processes (under <root>/proc) whose name or command line matches,
// and counts restarts seen — a matching process id that was not there at the previous run, once a
// first run has established the set. Reports vigil_probe_process_count and
// vigil_probe_process_restarts_total. Not thread-safe.

#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <string_view>

#include "agent/probes/probe.h"
#include "config/agent_config.h"

namespace vigil::agent {

struct ProcessInfo {
  int pid = 0;
  std::string name;     // /proc/<pid>/comm without the newline
  std::string cmdline;  // /proc/<pid>/cmdline with NULs as spaces
};

// The processes under <root>/proc; ones that vanish while being read are skipped.
std::vector<ProcessInfo> ListProcesses(const std::string& root);

class ProcessProbe {
 public:
  ProcessProbe(config::AgentConfig::Probe probe, std::string root);

  ProbeResult Run();
  // The pure part: judge a list of processes.
  ProbeResult Judge(const std::vector<ProcessInfo>& processes);

 private:
  config::AgentConfig::Probe probe_;
  std::string root_;
  std::optional<std::regex> cmdline_;
  std::optional<std::set<int>> previous_;  // unset until the first run
  std::uint64_t restarts_ = 0;
};

}  // namespace vigil::agent
