#include "agent/probes/process_probe.h"

#include <chrono>
#include <filesystem>

#include "agent/collectors/collector.h"
#include "agent/collectors/text.h"

namespace vigil::agent {

std::vector<ProcessInfo> ListProcesses(const std::string& root) {
  std::vector<ProcessInfo> processes;
  std::error_code ec;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::filesystem::path(root) / "proc", ec)) {
    const std::string pid_text = entry.path().filename().string();
    std::optional<std::uint64_t> pid = ParseUint(pid_text);
    if (!pid) continue;
    Result<std::string> comm = ReadFileUnderRoot(root, "proc/" + pid_text + "/comm");
    if (!comm) continue;  // exited meanwhile
    Result<std::string> cmdline = ReadFileUnderRoot(root, "proc/" + pid_text + "/cmdline");
    std::string arguments = cmdline ? *cmdline : std::string();
    while (!arguments.empty() && arguments.back() == '\0') arguments.pop_back();
    for (char& c : arguments) {
      if (c == '\0') c = ' ';
    }
    processes.push_back({static_cast<int>(*pid), std::string(Trim(*comm)), std::move(arguments)});
  }
  return processes;
}

ProcessProbe::ProcessProbe(config::AgentConfig::Probe probe, std::string root)
    : probe_(std::move(probe)), root_(std::move(root)) {
  if (!probe_.cmdline.empty()) cmdline_.emplace(probe_.cmdline, std::regex::optimize);
}

ProbeResult ProcessProbe::Run() {
  const auto start = std::chrono::steady_clock::now();
  ProbeResult result = Judge(ListProcesses(root_));
  result.duration_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

ProbeResult ProcessProbe::Judge(const std::vector<ProcessInfo>& processes) {
  std::set<int> matching;
  for (const ProcessInfo& process : processes) {
    const bool match = cmdline_ ? std::regex_search(process.cmdline, *cmdline_)
                                : process.name == probe_.process_name;
    if (match) matching.insert(process.pid);
  }
  if (previous_) {
    for (int pid : matching) {
      if (previous_->count(pid) == 0) ++restarts_;
    }
  }
  previous_ = matching;
  ProbeResult result;
  const auto count = static_cast<std::int64_t>(matching.size());
  result.success = count >= probe_.min_count;
  if (!result.success) {
    result.failure = std::to_string(count) + " matching process(es), fewer than " +
                     std::to_string(probe_.min_count);
  }
  result.gauges.push_back(
      {"vigil_probe_process_count", "Processes the probe matched.", static_cast<double>(count)});
  result.gauges.push_back({"vigil_probe_process_restarts_total",
                           "Matching processes that appeared after the probe's first run.",
                           static_cast<double>(restarts_), /*counter=*/true});
  return result;
}

}  // namespace vigil::agent
