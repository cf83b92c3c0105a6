// vigil-collector: receives agents' streams, serves /metrics and the API. See --help.

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <iostream>
#include <thread>
#include <vector>

#include "collector/collector_app.h"
#include "collector/token_command.h"
#include "common/cli.h"
#include "common/clock.h"
#include "common/daemon_signals.h"
#include "common/log.h"
#include "common/service_notify.h"
#include "config/collector_config.h"

namespace {

constexpr const char* kUsage = R"(Usage: vigil-collector --config FILE [options] [command]

Receives agents' TLS streams, keeps the latest value of every series, and serves
/metrics, /healthz and /readyz over HTTP.

Options:
  --config FILE        collector configuration (YAML); default /etc/vigil/collector.yaml
  --check-config       validate the configuration and exit: 0 when valid, 2 otherwise,
                       printing FILE:LINE:COL: key.path: message for every problem
  --version            print the version and exit
  --help               print this help and exit

Commands (offline administration; they use the configured store):
  token create --customer NAME   create an enrollment token; prints it alone on stdout
  token list                     list tokens (id, customer, created, revoked)
  token revoke ID                revoke a token; its agents are refused from their next connection

Signals: SIGTERM/SIGINT stop; SIGHUP reloads the configuration.
)";

constexpr auto kShutdownGrace = std::chrono::seconds(5);

int Run(std::shared_ptr<const vigil::config::CollectorConfig> config) {
  const std::size_t threads = config->threads > 0
                                  ? static_cast<std::size_t>(config->threads)
                                  : std::max(1u, std::thread::hardware_concurrency());
  boost::asio::io_context io(static_cast<int>(threads));
  auto app = vigil::collector::CollectorApp::Create(io, config);
  if (!app) {
    vigil::LogError("cannot start: " + app.error().message);
    return vigil::kExitFailure;
  }
  const std::string config_file = config->source_file;
  // After Stop, connections close within moments; one that holds on cannot keep the process
  // alive longer than the grace period.
  boost::asio::steady_timer grace(io);
  std::chrono::steady_clock::time_point stop_deadline;
  std::function<void()> wait_drained = [&] {
    if ((*app)->Drained() || std::chrono::steady_clock::now() >= stop_deadline) {
      io.stop();
      return;
    }
    grace.expires_after(std::chrono::milliseconds(20));
    grace.async_wait([&](boost::system::error_code ec) {
      if (!ec) wait_drained();
    });
  };
  vigil::DaemonSignals signals(
      io,
      [&] {
        (*app)->Stop();
        stop_deadline = std::chrono::steady_clock::now() + kShutdownGrace;
        wait_drained();
      },
      [&] {
        auto loaded = vigil::config::LoadCollectorConfig(config_file);
        if (!loaded.ok()) return vigil::config::LogReloadProblems(loaded.problems);
        (*app)->Reload(std::make_shared<vigil::config::CollectorConfig>(std::move(loaded.config)));
      });
  (*app)->Start();
  vigil::LogInfo(std::string("vigil-collector ") + VIGIL_VERSION + " ingest listening on port " +
                 std::to_string((*app)->ingest_port()) + " (TLS), http listening on port " +
                 std::to_string((*app)->http_port()));
  vigil::NotifyReady("running");
  std::vector<std::thread> workers;
  for (std::size_t i = 1; i < threads; ++i) workers.emplace_back([&io] { io.run(); });
  io.run();
  for (std::thread& worker : workers) worker.join();
  vigil::LogInfo("stopped");
  return vigil::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  auto args = vigil::ParseCommandLine(argc, argv,
                                      {{"config", true},
                                       {"check-config", false},
                                       {"customer", true},
                                       {"version", false},
                                       {"help", false}});
  if (!args) {
    std::cerr << "vigil-collector: " << args.error().message << "\n" << kUsage;
    return vigil::kExitUsage;
  }
  if (args->Has("help")) {
    std::cout << kUsage;
    return vigil::kExitOk;
  }
  if (args->Has("version")) {
    std::cout << "vigil-collector " << VIGIL_VERSION << "\n";
    return vigil::kExitOk;
  }
  const std::vector<std::string>& words = args->positional;
  if (!words.empty() && words.front() != "token") {
    std::cerr << "vigil-collector: unknown command \"" << words.front() << "\"\n" << kUsage;
    return vigil::kExitUsage;
  }
  auto loaded =
      vigil::config::LoadCollectorConfig(args->Value("config", "/etc/vigil/collector.yaml"));
  if (!loaded.ok()) {
    for (const auto& problem : loaded.problems) {
      std::cerr << vigil::config::FormatDiagnostic(problem) << "\n";
    }
    return vigil::kExitUsage;
  }
  if (args->Has("check-config")) return vigil::kExitOk;
  if (!words.empty()) {
    return vigil::collector::RunTokenCommand(
        loaded.config, std::vector<std::string>(words.begin() + 1, words.end()),
        args->Value("customer"), vigil::RealClock(), std::cout, std::cerr);
  }
  vigil::SetLogLevel(loaded.config.log_level);
  return Run(std::make_shared<vigil::config::CollectorConfig>(std::move(loaded.config)));
}
