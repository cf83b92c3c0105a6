// vigilctl incidents: list, show, ack, resolve, note, open.

#include "vigilctl/cli/cli.h"

namespace vigil::ctl {
namespace {

using Json = nlohmann::json;

void AddList(CLI::App* incidents, Cli& cli) {
  Options& o = cli.options;
  CLI::App* list = incidents->add_subcommand("list", "list incidents, newest first");
  list->add_option("--state", o.state, "firing, acknowledged, resolved or open")
      ->check(CLI::IsMember({"firing", "acknowledged", "resolved", "open"}));
  list->add_option("--customer", o.customer, "only this customer's");
  list->add_option("--agent", o.agent_id, "only this agent's");
  list->add_option("--severity", o.severity, "critical, high, medium or low")
      ->check(CLI::IsMember({"critical", "high", "medium", "low"}));
  list->add_option("--rule", o.rule, "only this rule's");
  list->add_option("--since", o.since, "started at or after: RFC 3339, or a duration ago (24h)");
  list->add_option("--until", o.until, "started before: RFC 3339, or a duration ago");
  list->add_option("--limit", o.limit, "at most this many (default: all)");
  cli.OnChosen(list, [&o, &cli](const Context& context) {
    Query query;
    Put(query, "state", o.state);
    Put(query, "customer", o.customer);
    Put(query, "agent", o.agent_id);
    Put(query, "severity", o.severity);
    Put(query, "rule", o.rule);
    Put(query, "since", cli.TimeOf(o.since));
    Put(query, "until", cli.TimeOf(o.until));
    if (auto usage = TimeUsageError(cli, context)) return *usage;
    return List(context, "/api/v1/incidents", query, IncidentColumns(), o.limit);
  });
}

// ack, resolve and note share their shape: POST a small body to the incident.
void AddChange(CLI::App* incidents, Cli& cli, const std::string& name, const std::string& help,
               const std::string& verb, bool takes_text) {
  Options& o = cli.options;
  CLI::App* command = incidents->add_subcommand(name, help);
  command->add_option("id", o.id, "the incident's id")->required();
  if (takes_text) {
    command->add_option("text", o.text, "the note")->required();
  } else {
    command->add_option("--note", o.note, "a note for the timeline");
  }
  command->add_option("--at", o.at, "when it happened, to import history (RFC 3339)");
  cli.OnChosen(command, [&o, verb, takes_text](const Context& context) {
    Json body = Json::object();
    if (takes_text) body["text"] = o.text;
    if (!o.note.empty()) body["note"] = o.note;
    if (!o.at.empty()) body["at"] = o.at;
    return Show(context, "POST", "/api/v1/incidents/" + UrlEncode(o.id) + "/" + verb, &body,
                IncidentFields(), true);
  });
}

void AddOpen(CLI::App* incidents, Cli& cli) {
  Options& o = cli.options;
  CLI::App* open = incidents->add_subcommand(
      "open", "open a manual incident for a problem no rule sees (admin)");
  open->add_option("--customer", o.customer, "whose problem it is")->required();
  open->add_option("--severity", o.severity, "critical, high, medium or low")
      ->required()
      ->check(CLI::IsMember({"critical", "high", "medium", "low"}));
  open->add_option("--summary", o.summary, "what is wrong")->required();
  open->add_option("--agent", o.agent_id, "the agent it concerns, if one");
  open->add_option("--label", o.labels, "NAME=VALUE, for routing and silences (repeatable)");
  open->add_option("--at", o.at, "when it started, to import history (RFC 3339)");
  cli.OnChosen(open, [&o](const Context& context) {
    Json body = {{"customer", o.customer}, {"severity", o.severity}, {"summary", o.summary}};
    if (!o.agent_id.empty()) body["agent"] = o.agent_id;
    if (!o.at.empty()) body["at"] = o.at;
    if (!o.labels.empty()) body["labels"] = Json::object();
    for (const std::string& label : o.labels) {
      const std::size_t equals = label.find('=');
      if (equals == std::string::npos || equals == 0) {
        context.err << "vigilctl: --label " << label << ": expected NAME=VALUE\n";
        return kUsage;
      }
      body["labels"][label.substr(0, equals)] = label.substr(equals + 1);
    }
    return Show(context, "POST", "/api/v1/incidents", &body, IncidentFields(), true);
  });
}

}  // namespace

void AddIncidentCommands(CLI::App& app, Cli& cli) {
  Options& o = cli.options;
  CLI::App* incidents =
      app.add_subcommand("incidents", "incidents: list, show, ack, resolve, note, open");
  incidents->require_subcommand(1);
  AddList(incidents, cli);
  CLI::App* show = incidents->add_subcommand("show", "one incident with its timeline");
  show->add_option("id", o.id, "the incident's id")->required();
  cli.OnChosen(show, [&o](const Context& context) {
    return Show(context, "GET", "/api/v1/incidents/" + UrlEncode(o.id), nullptr, IncidentFields(),
                true);
  });
  AddChange(incidents, cli, "ack",
            "acknowledge: you are on it (the first acknowledgement's time stays)", "ack", false);
  AddChange(incidents, cli, "resolve", "resolve by hand", "resolve", false);
  AddChange(incidents, cli, "note", "add a note to the timeline", "notes", true);
  AddOpen(incidents, cli);
}

}  // namespace vigil::ctl
