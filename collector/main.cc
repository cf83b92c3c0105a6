// vigil-collector: receives agents' streams, serves /metrics and the API. See --help.

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <iostream>
#include <optional>
#include <thread>
#include <vector>

#include "collector/alerting_setup.h"
#include "collector/collector_app.h"
#include "collector/rules_command.h"
#include "collector/store/store_lock.h"
#include "collector/store_command.h"
#include "collector/token_command.h"
#include "common/clock.h"
#include "common/command_line.h"
#include "common/daemon_signals.h"
#include "common/log.h"
#include "common/service_notify.h"
#include "common/service_watchdog.h"
#include "config/collector_config.h"

namespace {

constexpr const char* kDescription =
    "Receives agents' TLS streams, evaluates rules into incidents, and serves /metrics, the\n"
    "REST API (/api/v1), /healthz and /readyz over HTTP(S).";
constexpr const char* kFooter =
    "Token administration works offline, on the configured store:\n"
    "  token create --customer NAME          an enrollment token for that customer's agents\n"
    "  token create --role ROLE --name NAME  an API token (viewer, operator or admin)\n"
    "  token list | token revoke ID\n"
    "Store administration, on the configured SQLite store:\n"
    "  store backup PATH    a consistent copy, while the collector runs\n"
    "  store restore PATH   replace the store with a backup (the collector must be stopped)\n"
    "  store check          SQLite's integrity check\n"
    "Rule files, without a store or certificates (as promtool check rules / test rules):\n"
    "  rules check FILE...  read rule files and explain each mistake where it is\n"
    "  rules test FILE...   run rule unit tests written in promtool's format\n"
    "Signals: SIGTERM/SIGINT stop; SIGHUP reloads the configuration and the rule files.";

// The configuration and what it points at (rule files, notification secrets), with every
// problem of both.
struct Loaded {
  vigil::config::CollectorConfig config;
  vigil::collector::AlertingSetup setup;
  std::vector<vigil::config::Diagnostic> problems;
};

Loaded Load(const std::string& file) {
  auto config = vigil::config::LoadCollectorConfig(file);
  Loaded loaded{std::move(config.config), {}, std::move(config.problems)};
  if (loaded.problems.empty()) {
    auto setup = vigil::collector::LoadAlertingSetup(loaded.config);
    loaded.setup = std::move(setup.config);
    loaded.problems = std::move(setup.problems);
  }
  return loaded;
}

constexpr auto kShutdownGrace = std::chrono::seconds(5);

int Run(std::shared_ptr<const vigil::config::CollectorConfig> config,
        vigil::collector::AlertingSetup setup) {
  const std::size_t threads = config->threads > 0
                                  ? static_cast<std::size_t>(config->threads)
                                  : std::max(1u, std::thread::hardware_concurrency());
  boost::asio::io_context io(static_cast<int>(threads));
  // systemd's watchdog, when the unit asks for one (WatchdogSec=). Declared before the app, so that
  // it outlives the app's threads, which beat it.
  std::optional<vigil::ServiceWatchdog> watchdog;
  if (const auto interval = vigil::ServiceWatchdog::RequestedInterval())
    watchdog.emplace(io, *interval);
  const std::size_t rule_count = setup.rules.alerting.size() + setup.rules.recording.size();
  // One collector per SQLite store; `store restore` waits for none to run.
  auto store_lock = vigil::collector::StoreLock::Acquire(config->store.sqlite);
  if (!store_lock) {
    vigil::LogError("cannot start: " + store_lock.error().message);
    return vigil::kExitFailure;
  }
  auto app = vigil::collector::CollectorApp::Create(io, config, std::move(setup));
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
  if (watchdog)
    (*app)->WatchLoops([&](std::string name) { return watchdog->AddLoop(std::move(name)); });
  vigil::DaemonSignals signals(
      io,
      [&] {
        if (watchdog) watchdog->Stop();
        (*app)->Stop();
        stop_deadline = std::chrono::steady_clock::now() + kShutdownGrace;
        wait_drained();
      },
      [&] {
        Loaded loaded = Load(config_file);
        if (!loaded.problems.empty()) return vigil::config::LogReloadProblems(loaded.problems);
        (*app)->Reload(std::make_shared<vigil::config::CollectorConfig>(std::move(loaded.config)),
                       std::move(loaded.setup));
      });
  (*app)->Start();
  vigil::LogInfo(std::string("vigil-collector ") + VIGIL_VERSION + " ingest listening on port " +
                 std::to_string((*app)->ingest_port()) + " (TLS), http listening on port " +
                 std::to_string((*app)->http_port()) + "; " + std::to_string(rule_count) +
                 " rules from files");
  vigil::NotifyReady("running");
  if (watchdog) watchdog->Start();
  std::vector<std::thread> workers;
  for (std::size_t i = 1; i < threads; ++i) workers.emplace_back([&io] { io.run(); });
  io.run();
  for (std::thread& worker : workers) worker.join();
  vigil::LogInfo("stopped");
  return vigil::kExitOk;
}

// vigil-collector token create|list|revoke.
void AddTokenCommand(CLI::App& app, vigil::collector::TokenCommand& token) {
  CLI::App* token_app = app.add_subcommand("token", "offline token administration");
  token_app->require_subcommand(1);
  CLI::App* create = token_app->add_subcommand(
      "create", "create a token and print it alone on stdout (it is shown only this once)");
  auto* customer = create
                       ->add_option("--customer", token.customer,
                                    "an enrollment token for this customer's agents")
                       ->type_name("NAME");
  auto* role = create->add_option("--role", token.role, "an API token with this role")
                   ->check(CLI::IsMember({"viewer", "operator", "admin"}))
                   ->type_name("ROLE");
  create->add_option("--name", token.name, "who or what uses the API token")->type_name("NAME");
  customer->excludes(role);
  create->callback([&token] { token.action = "create"; });
  token_app->add_subcommand("list", "list tokens (never their secrets)")->callback([&token] {
    token.action = "list";
  });
  CLI::App* revoke = token_app->add_subcommand("revoke", "revoke a token by its id");
  revoke->add_option("id", token.id, "the token's id, from token list")->required();
  revoke->callback([&token] { token.action = "revoke"; });
}

// vigil-collector store backup|restore|check.
void AddStoreCommand(CLI::App& app, vigil::collector::StoreCommand& store) {
  CLI::App* store_app = app.add_subcommand("store", "store administration: backup, restore, check");
  store_app->require_subcommand(1);
  CLI::App* backup =
      store_app->add_subcommand("backup", "copy the store, consistently, while the collector runs");
  backup->add_option("path", store.path, "the new backup file")->required();
  backup->callback([&store] { store.action = "backup"; });
  CLI::App* restore =
      store_app->add_subcommand("restore", "replace the store with a backup (collector stopped)");
  restore->add_option("path", store.path, "the backup file")->required();
  restore->callback([&store] { store.action = "restore"; });
  store_app->add_subcommand("check", "run SQLite's integrity check on the store")
      ->callback([&store] { store.action = "check"; });
}

// vigil-collector rules check|test FILE...
void AddRulesCommand(CLI::App& app, vigil::collector::RulesCommand& rules) {
  CLI::App* rules_app = app.add_subcommand("rules", "check rule files, run rule unit tests");
  rules_app->require_subcommand(1);
  CLI::App* check = rules_app->add_subcommand("check", "read rule files; print every mistake");
  check->add_option("files", rules.files, "rule files")->required();
  check->callback([&rules] { rules.action = "check"; });
  CLI::App* test =
      rules_app->add_subcommand("test", "run rule unit tests (promtool test rules format)");
  test->add_option("files", rules.files, "test files")->required();
  test->callback([&rules] { rules.action = "test"; });
}

// Token and store administration need only the store: a mistake in a rule file must not block
// them.
int RunAdministration(const std::string& config_file, const vigil::collector::TokenCommand& token,
                      const vigil::collector::StoreCommand& store) {
  auto config = vigil::config::LoadCollectorConfig(config_file);
  if (!config.ok()) {
    for (const auto& problem : config.problems) {
      std::cerr << vigil::config::FormatDiagnostic(problem) << "\n";
    }
    return vigil::kExitUsage;
  }
  if (!store.action.empty()) {
    return vigil::collector::RunStoreCommand(config.config, store, std::cout, std::cerr);
  }
  return vigil::collector::RunTokenCommand(config.config, token, vigil::RealClock(), std::cout,
                                           std::cerr);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app(kDescription, "vigil-collector");
  app.footer(kFooter);
  std::string config_file = "/etc/vigil/collector.yaml";
  bool check_config = false;
  bool version = false;
  app.add_option("--config", config_file, "collector configuration (YAML)")
      ->type_name("FILE")
      ->capture_default_str();
  app.add_flag("--check-config", check_config,
               "validate the configuration and its rule files and exit: 0 when valid, 2 "
               "otherwise, printing FILE:LINE:COL: key.path: message for every problem");
  app.add_flag("--version", version, "print the version and exit");
  vigil::collector::TokenCommand token;
  AddTokenCommand(app, token);
  vigil::collector::StoreCommand store;
  AddStoreCommand(app, store);
  vigil::collector::RulesCommand rules;
  AddRulesCommand(app, rules);

  if (auto exit_code = vigil::ParseCommandLine(app, argc, argv)) return *exit_code;
  if (version) {
    std::cout << "vigil-collector " << VIGIL_VERSION << "\n";
    return vigil::kExitOk;
  }
  if (!rules.action.empty()) {
    return vigil::collector::RunRulesCommand(config_file, rules, std::cout, std::cerr);
  }
  if (!token.action.empty() || !store.action.empty()) {
    return RunAdministration(config_file, token, store);
  }
  Loaded loaded = Load(config_file);
  if (!loaded.problems.empty()) {
    for (const auto& problem : loaded.problems) {
      std::cerr << vigil::config::FormatDiagnostic(problem) << "\n";
    }
    return vigil::kExitUsage;
  }
  if (check_config) return vigil::kExitOk;
  vigil::SetLogLevel(loaded.config.log_level);
  return Run(std::make_shared<vigil::config::CollectorConfig>(std::move(loaded.config)),
             std::move(loaded.setup));
}
