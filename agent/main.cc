// vigil-agent: collects host health and streams it to vigil-collector. See --help.

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <iostream>

#include "agent/agent.h"
#include "agent/health_collection.h"
#include "agent/once_output.h"
#include "agent/probes/prober.h"
#include "common/command_line.h"
#include "common/clock.h"
#include "common/daemon_signals.h"
#include "common/exposition.h"
#include "common/log.h"
#include "common/service_notify.h"
#include "config/agent_config.h"

namespace {

constexpr const char* kDescription =
    "Collects host health (node_exporter-compatible metrics) and streams it over TLS to\n"
    "vigil-collector, spooling to disk while the collector is unreachable.";
constexpr const char* kFooter =
    "Signals: SIGTERM/SIGINT drain the spool to the collector (up to collector.drain_timeout)\n"
    "and stop; SIGHUP reloads the configuration.";

int PrintProblems(const std::vector<vigil::config::Diagnostic>& problems) {
  for (const auto& problem : problems) {
    std::cerr << vigil::config::FormatDiagnostic(problem) << "\n";
  }
  return vigil::kExitUsage;
}

// Runs every probe once (each within its timeout) and returns their families.
std::vector<vigil::wire::MetricFamily> ProbeOnce(const vigil::config::AgentConfig& config) {
  boost::asio::io_context io(1);
  auto prober = vigil::agent::Prober::Create(io.get_executor(), config.probes, config.health.root,
                                             [](vigil::wire::Event) {});
  if (!prober) {
    vigil::LogError(prober.error().message);
    return {};
  }
  (*prober)->Start();
  while (!(*prober)->AllRan() && io.run_one() > 0) {
  }
  (*prober)->Stop();
  return (*prober)->Families();
}

int CollectOnce(const vigil::config::AgentConfig& config, const std::string& format) {
  vigil::agent::HealthCollection collection(
      vigil::agent::MakeHealthCollectors(config.health, vigil::RealClock()), vigil::RealClock());
  vigil::agent::Collection result = collection.CollectOnce();
  for (auto& family : result.self) result.health.push_back(std::move(family));
  for (auto& family : ProbeOnce(config)) result.health.push_back(std::move(family));
  if (format == "json") {
    std::cout << vigil::agent::RenderJson(result.health);
  } else {
    std::cout << vigil::RenderText(result.health);
  }
  return vigil::kExitOk;
}

int Run(std::shared_ptr<const vigil::config::AgentConfig> config) {
  boost::asio::io_context io(1);
  auto agent = vigil::agent::Agent::Create(io, config);
  if (!agent) {
    vigil::LogError("cannot start: " + agent.error().message);
    return vigil::kExitFailure;
  }
  const std::string config_file = config->source_file;
  vigil::DaemonSignals signals(
      io, [&] { (*agent)->Stop([] { vigil::LogInfo("stopped"); }); },
      [&] {
        auto loaded = vigil::config::LoadAgentConfig(config_file);
        if (!loaded.ok()) return vigil::config::LogReloadProblems(loaded.problems);
        (*agent)->Reload(std::make_shared<vigil::config::AgentConfig>(std::move(loaded.config)));
      });
  (*agent)->Start();
  vigil::LogInfo(std::string("vigil-agent ") + VIGIL_VERSION + " started as " + config->id);
  vigil::NotifyReady("running");
  io.run();
  return vigil::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app(kDescription, "vigil-agent");
  app.footer(kFooter);
  std::string config_file = "/etc/vigil/agent.yaml";
  bool check_config = false;
  bool once = false;
  bool version = false;
  std::string format = "prometheus";
  app.add_option("--config", config_file, "agent configuration (YAML)")
      ->type_name("FILE")
      ->capture_default_str();
  app.add_flag("--check-config", check_config,
               "validate the configuration and exit: 0 when valid, 2 otherwise, printing "
               "FILE:LINE:COL: key.path: message for every problem");
  app.add_flag("--once", once,
               "collect health and run every probe once, print to stdout and exit; never "
               "connects");
  app.add_option("--format", format, "output of --once")
      ->check(CLI::IsMember({"prometheus", "json"}))
      ->capture_default_str();
  app.add_flag("--version", version, "print the version and exit");
  if (auto exit_code = vigil::ParseCommandLine(app, argc, argv)) return *exit_code;
  if (version) {
    std::cout << "vigil-agent " << VIGIL_VERSION << "\n";
    return vigil::kExitOk;
  }
  auto loaded = vigil::config::LoadAgentConfig(config_file);
  if (!loaded.ok()) return PrintProblems(loaded.problems);
  if (check_config) return vigil::kExitOk;
  vigil::SetLogLevel(loaded.config.log_level);
  if (once) return CollectOnce(loaded.config, format);
  return Run(std::make_shared<vigil::config::AgentConfig>(std::move(loaded.config)));
}
