// vigil-agent: collects host health and streams it to vigil-collector. See --help.

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <iostream>
#include <optional>
#include <set>

#include "agent/agent.h"
#include "agent/health_collection.h"
#include "agent/kernel_features.h"
#include "agent/once_output.h"
#include "agent/probes/prober.h"
#include "agent/security/scanner.h"
#include "agent/utf8_repair.h"
#include "common/clock.h"
#include "common/command_line.h"
#include "common/daemon_signals.h"
#include "common/exposition.h"
#include "common/log.h"
#include "common/service_notify.h"
#include "common/service_watchdog.h"
#include "config/agent_config.h"

namespace {

// What `--version` reports besides the version: the machine the binary is for, and whether it
// needs the host's shared libraries (packages are built static; test builds may not be).
#if defined(__x86_64__)
constexpr const char* kArchitecture = "x86_64";
#elif defined(__aarch64__)
constexpr const char* kArchitecture = "aarch64";
#else
constexpr const char* kArchitecture = "unknown architecture";
#endif
#if defined(VIGIL_STATIC_AGENT)
constexpr const char* kLinkage = "static";
#else
constexpr const char* kLinkage = "dynamic";
#endif

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

std::string StateDir(const vigil::config::AgentConfig& config) {
  return config.security.state_dir.empty()
             ? vigil::agent::DefaultSecurityStateDir(config.spool.path)
             : config.security.state_dir;
}

// --once: the parts in `only` (all when empty), printed; nothing connects and no state changes
// (drift is judged against the daemon's baselines, when there are any).
int CollectOnce(const vigil::config::AgentConfig& config, const std::string& format,
                const std::set<std::string>& only) {
  const auto wanted = [&](const char* part) { return only.empty() || only.count(part) > 0; };
  std::vector<vigil::wire::MetricFamily> families;
  std::vector<vigil::agent::Finding> findings;
  if (wanted("health")) {
    vigil::agent::HealthCollection collection(
        vigil::agent::MakeHealthCollectors(config.health, vigil::RealClock()), vigil::RealClock());
    vigil::agent::Collection result = collection.CollectOnce();
    for (auto& family : result.health) families.push_back(std::move(family));
    for (auto& family : result.self) families.push_back(std::move(family));
  }
  if (wanted("probes")) {
    for (auto& family : ProbeOnce(config)) families.push_back(std::move(family));
  }
  if (wanted("security") && (config.security.enabled || !only.empty())) {
    vigil::agent::SecurityScanner scanner(config.security, StateDir(config), vigil::RealClock());
    vigil::agent::SecurityScanner::Options options;
    options.read_only = true;
    vigil::agent::ScanReport report = scanner.Scan(options);
    for (const std::string& error : report.errors) vigil::LogWarning("security scan: " + error);
    for (auto& family : report.families) families.push_back(std::move(family));
    findings = std::move(report.findings);
  }
  vigil::agent::RepairInvalidUtf8(families);
  if (format == "json") {
    std::cout << vigil::agent::RenderJson(families, findings);
  } else {
    std::cout << vigil::RenderText(families);
  }
  return vigil::kExitOk;
}

// The checks that keep a baseline.
const std::vector<std::string> kBaselineChecks = {"files.suid_new", "fim.changed",
                                                  "net.listening_new"};

// vigil-agent baseline accept [CHECK...]: takes the host as it is now as those checks' baseline.
// The daemon's next scan reports their drift findings cleared.
int AcceptBaseline(const vigil::config::AgentConfig& config, std::vector<std::string> checks) {
  if (checks.empty()) checks = kBaselineChecks;
  vigil::agent::SecurityScanner scanner(config.security, StateDir(config), vigil::RealClock());
  vigil::agent::SecurityScanner::Options options;
  options.only = {checks.begin(), checks.end()};
  options.accept = options.only;
  options.record_findings = false;
  vigil::agent::ScanReport report = scanner.Scan(options);
  for (const std::string& error : report.errors) {
    std::cerr << "vigil-agent: " << error << "\n";
  }
  if (!report.errors.empty()) return vigil::kExitFailure;
  for (const std::string& check : checks) {
    std::cout << "accepted the current state as the baseline of " << check << " (in "
              << StateDir(config) << ")\n";
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
  // systemd's watchdog, when the unit asks for one (WatchdogSec=): fed from the agent's one loop.
  std::optional<vigil::ServiceWatchdog> watchdog;
  if (const auto interval = vigil::ServiceWatchdog::RequestedInterval())
    watchdog.emplace(io, *interval);
  vigil::DaemonSignals signals(
      io,
      [&] {
        if (watchdog) watchdog->Stop();
        (*agent)->Stop([] { vigil::LogInfo("stopped"); });
      },
      [&] {
        auto loaded = vigil::config::LoadAgentConfig(config_file);
        if (!loaded.ok()) return vigil::config::LogReloadProblems(loaded.problems);
        (*agent)->Reload(std::make_shared<vigil::config::AgentConfig>(std::move(loaded.config)));
      });
  (*agent)->Start();
  vigil::LogInfo(std::string("vigil-agent ") + VIGIL_VERSION + " started as " + config->id);
  for (const std::string& line : vigil::agent::MissingKernelFeatures(config->health))
    vigil::LogInfo(line);
  vigil::NotifyReady("running");
  if (watchdog) watchdog->Start();
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
               "collect health, run every probe and the security scan once, print to stdout and "
               "exit; never connects and changes no state");
  app.add_option("--format", format, "output of --once")
      ->check(CLI::IsMember({"prometheus", "json"}))
      ->capture_default_str();
  std::vector<std::string> only;
  app.add_option("--only", only, "with --once: only these parts (health, probes, security)")
      ->check(CLI::IsMember({"health", "probes", "security"}))
      ->delimiter(',');
  CLI::App* baseline = app.add_subcommand(
      "baseline", "security baselines (SUID files, listening sockets, watched files)");
  CLI::App* accept = baseline->add_subcommand(
      "accept",
      "take the host as it is now as the baseline of CHECK (files.suid_new, "
      "fim.changed, net.listening_new; all three when none is named)");
  std::vector<std::string> accept_checks;
  accept->add_option("check", accept_checks, "checks whose baseline to accept")
      ->check(CLI::IsMember(kBaselineChecks));
  baseline->require_subcommand(1);
  app.add_flag("--version", version, "print the version and exit");
  if (auto exit_code = vigil::ParseCommandLine(app, argc, argv)) return *exit_code;
  if (version) {
    std::cout << "vigil-agent " << VIGIL_VERSION << " (" << kArchitecture << ", " << kLinkage
              << ")\n";
    return vigil::kExitOk;
  }
  auto loaded = vigil::config::LoadAgentConfig(config_file);
  if (!loaded.ok()) return PrintProblems(loaded.problems);
  if (check_config) return vigil::kExitOk;
  vigil::SetLogLevel(loaded.config.log_level);
  if (*accept) return AcceptBaseline(loaded.config, accept_checks);
  if (once) return CollectOnce(loaded.config, format, {only.begin(), only.end()});
  return Run(std::make_shared<vigil::config::AgentConfig>(std::move(loaded.config)));
}
