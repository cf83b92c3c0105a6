// vigilctl: drives the collector's REST API (docs/api.md). See --help of each command; each
// resource's commands are in cli/.

#include <CLI/CLI.hpp>
#include <iostream>

#include "common/clock.h"
#include "common/command_line.h"
#include "vigilctl/cli/cli.h"

int main(int argc, char** argv) {
  CLI::App app(
      "Drives the Vigil collector's REST API.\n"
      "Exit codes: 0 ok, 1 the API refused (message on stderr), 2 usage, 3 cannot "
      "connect.",
      "vigilctl");
  app.fallthrough();
  app.require_subcommand(1);
  vigil::ctl::ApiClientOptions client;
  std::string output = "table";
  app.add_option("--server", client.server, "the collector's HTTP(S) address")
      ->envname("VIGIL_SERVER")
      ->capture_default_str();
  app.add_option("--token", client.token, "API token (or VIGIL_TOKEN in the environment)")
      ->envname("VIGIL_TOKEN");
  app.add_option("--ca-file", client.ca_file, "CA certificate to verify an HTTPS server with")
      ->check(CLI::ExistingFile);
  app.add_option("--output,-o", output,
                 "table (times in local time), json (the API's objects) "
                 "or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}))
      ->capture_default_str();

  vigil::ctl::Cli cli;
  cli.now_ms = vigil::ToUnixMillis(vigil::RealClock().Now());
  vigil::ctl::AddAgentCommands(app, cli);
  vigil::ctl::AddIncidentCommands(app, cli);
  vigil::ctl::AddSilenceCommands(app, cli);
  vigil::ctl::AddTokenCommands(app, cli);
  vigil::ctl::AddNotificationCommands(app, cli);
  vigil::ctl::AddRuleCommands(app, cli);
  vigil::ctl::AddReportCommands(app, cli);
  vigil::ctl::AddSlaCommands(app, cli);

  if (auto exit_code = vigil::ParseCommandLine(app, argc, argv)) return *exit_code;
  if (!cli.action) return vigil::kExitUsage;
  vigil::ctl::ApiClient api(client);
  const vigil::ctl::Format format = output == "json"  ? vigil::ctl::Format::kJson
                                    : output == "csv" ? vigil::ctl::Format::kCsv
                                                      : vigil::ctl::Format::kTable;
  return cli.action(vigil::ctl::Context{api, format, std::cout, std::cerr});
}
