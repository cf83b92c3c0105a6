#pragma once
// vigilctl's command line, a file per resource as collector/api has its routes: each Add*Commands
// adds a resource's subcommands to the app; the one the user picks sets Cli::action, which main
// runs once the line is read. Options are stored in Cli::options, alive until the action has run.

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "vigilctl/commands.h"

namespace vigil::ctl {

// Where every subcommand's options land (only one subcommand runs).
struct Options {
  std::string customer, connected, agent_id, check, finding_severity;
  std::string state, severity, rule, since, until, id, note, at, text, summary;
  std::vector<std::string> labels, matchers;
  std::string duration, starts, comment, role, name, receiver;
  std::string kind, status, category, title, symptom, channel, from_incident, team, person,
      reporter_name, reporter_contact, root_cause, resolution, prevention, to_status, from, to;
  std::size_t limit = 0;
  int score = 0;
};

struct Cli {
  std::function<int(const Context&)> action;
  Options options;
  std::int64_t now_ms = 0;
  std::string time_error;  // set by TimeOf

  // A time option as the API takes it: RFC 3339 as given, or a duration ago ("24h"). A bad one
  // is kept in time_error and gives "".
  std::string TimeOf(const std::string& text);
  // Sets `action` when `command` is chosen.
  void OnChosen(CLI::App* command, std::function<int(const Context&)> run);
};

// Adds `name` to the query when the option was given.
void Put(Query& query, const std::string& name, const std::string& value);
// The usage error of a bad time option, or nullopt when every time option was good.
std::optional<int> TimeUsageError(const Cli& cli, const Context& context);

void AddAgentCommands(CLI::App& app, Cli& cli);
void AddIncidentCommands(CLI::App& app, Cli& cli);
void AddSilenceCommands(CLI::App& app, Cli& cli);
void AddTokenCommands(CLI::App& app, Cli& cli);
void AddNotificationCommands(CLI::App& app, Cli& cli);
void AddRuleCommands(CLI::App& app, Cli& cli);
void AddReportCommands(CLI::App& app, Cli& cli);
void AddSlaCommands(CLI::App& app, Cli& cli);

}  // namespace vigil::ctl
