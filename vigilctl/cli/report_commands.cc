// vigilctl reports: list, show, create, assign, transition, note, rate.

#include <utility>

#include "vigilctl/cli/cli.h"

namespace vigil::ctl {
namespace {

using Json = nlohmann::json;
using TextFields = std::vector<std::pair<const char*, const std::string*>>;

// Adds each field whose option was given.
void PutFields(Json& body, const TextFields& fields) {
  for (const auto& [field, value] : fields) {
    if (!value->empty()) body[field] = *value;
  }
}

std::string ReportPath(const std::string& id, const std::string& then = "") {
  return "/api/v1/fault-reports/" + UrlEncode(id) + then;
}

void AddList(CLI::App* reports, Cli& cli) {
  Options& o = cli.options;
  CLI::App* list = reports->add_subcommand("list", "list fault reports, newest first");
  list->add_option("--customer", o.customer, "only this customer's");
  list->add_option("--kind", o.kind, "fault, consultation or complaint")
      ->check(CLI::IsMember({"fault", "consultation", "complaint"}));
  list->add_option("--status", o.status,
                   "new, assigned, in_progress, pending_customer, resolved or closed");
  list->add_option("--severity", o.severity, "critical, high, medium or low");
  list->add_option("--category", o.category, "only this category");
  list->add_option("--since", o.since, "reported at or after: RFC 3339, or a duration ago");
  list->add_option("--until", o.until, "reported before: RFC 3339, or a duration ago");
  list->add_option("--limit", o.limit, "at most this many (default: all)");
  cli.OnChosen(list, [&o, &cli](const Context& context) {
    Query query;
    Put(query, "customer", o.customer);
    Put(query, "kind", o.kind);
    Put(query, "status", o.status);
    Put(query, "severity", o.severity);
    Put(query, "category", o.category);
    Put(query, "since", cli.TimeOf(o.since));
    Put(query, "until", cli.TimeOf(o.until));
    if (auto usage = TimeUsageError(cli, context)) return *usage;
    return List(context, "/api/v1/fault-reports", query, ReportColumns(), o.limit);
  });
}

void AddCreate(CLI::App* reports, Cli& cli) {
  Options& o = cli.options;
  CLI::App* create = reports->add_subcommand(
      "create",
      "record a fault, consultation or complaint (--from-incident fills customer, "
      "severity, occurred time and symptom from an incident)");
  create->add_option("--customer", o.customer, "whose");
  create->add_option("--title", o.title, "a one-line title")->required();
  create->add_option("--kind", o.kind, "fault (default), consultation or complaint")
      ->check(CLI::IsMember({"fault", "consultation", "complaint"}));
  create->add_option("--severity", o.severity, "critical, high, medium (default) or low")
      ->check(CLI::IsMember({"critical", "high", "medium", "low"}));
  create->add_option("--symptom", o.symptom, "what was seen");
  create->add_option("--category", o.category, "database, network, ...");
  create->add_option("--channel", o.channel, "monitoring, phone, email, web or onsite")
      ->check(CLI::IsMember({"monitoring", "phone", "email", "web", "onsite"}));
  create->add_option("--reporter", o.reporter_name, "who reported it");
  create->add_option("--contact", o.reporter_contact, "how to reach them");
  create->add_option("--team", o.team, "the responsible team");
  create->add_option("--person", o.person, "the responsible person");
  create->add_option("--from-incident", o.from_incident, "an incident's id");
  create->add_option("--at", o.at, "when it was reported, to import history (RFC 3339)");
  cli.OnChosen(create, [&o](const Context& context) {
    Json body = {{"title", o.title}};
    PutFields(body, {{"customer", &o.customer},
                     {"kind", &o.kind},
                     {"severity", &o.severity},
                     {"symptom", &o.symptom},
                     {"category", &o.category},
                     {"channel", &o.channel},
                     {"from_incident", &o.from_incident},
                     {"at", &o.at}});
    if (!o.reporter_name.empty() || !o.reporter_contact.empty()) {
      body["reporter"] = {{"name", o.reporter_name}, {"contact", o.reporter_contact}};
    }
    if (!o.team.empty() || !o.person.empty()) {
      body["assignee"] = {{"team", o.team}, {"person", o.person}};
    }
    return Show(context, "POST", "/api/v1/fault-reports", &body, ReportFields(), true);
  });
}

void AddAssignAndTransition(CLI::App* reports, Cli& cli) {
  Options& o = cli.options;
  CLI::App* assign = reports->add_subcommand(
      "assign", "give a report to a team (and person); a new report moves to assigned");
  assign->add_option("id", o.id, "the report's id")->required();
  assign->add_option("--team", o.team, "the responsible team")->required();
  assign->add_option("--person", o.person, "the responsible person");
  assign->add_option("--note", o.note, "a note for the history");
  assign->add_option("--at", o.at, "when, to import history (RFC 3339)");
  cli.OnChosen(assign, [&o](const Context& context) {
    return AssignReport(context, o.id, o.team, o.person, o.note, o.at);
  });

  CLI::App* transition = reports->add_subcommand(
      "transition",
      "move a report: assigned, in_progress, pending_customer, resolved, closed "
      "(closing needs --root-cause and --resolution, given now or before)");
  transition->add_option("id", o.id, "the report's id")->required();
  transition->add_option("to", o.to_status, "the new status")
      ->required()
      ->check(CLI::IsMember({"assigned", "in_progress", "pending_customer", "resolved", "closed"}));
  transition->add_option("--note", o.note, "a note for the history");
  transition->add_option("--root-cause", o.root_cause, "why it happened");
  transition->add_option("--resolution", o.resolution, "what fixed it");
  transition->add_option("--prevention", o.prevention, "the lesson: what keeps it away");
  transition->add_option("--at", o.at, "when, to import history (RFC 3339)");
  cli.OnChosen(transition, [&o](const Context& context) {
    Json body = {{"to", o.to_status}};
    PutFields(body, {{"note", &o.note},
                     {"root_cause", &o.root_cause},
                     {"resolution", &o.resolution},
                     {"prevention", &o.prevention},
                     {"at", &o.at}});
    return Show(context, "POST", ReportPath(o.id, "/transition"), &body, ReportFields(), true);
  });
}

void AddNoteAndRate(CLI::App* reports, Cli& cli) {
  Options& o = cli.options;
  CLI::App* note = reports->add_subcommand("note", "add a note to the history");
  note->add_option("id", o.id, "the report's id")->required();
  note->add_option("text", o.text, "the note")->required();
  note->add_option("--at", o.at, "when, to import history (RFC 3339)");
  cli.OnChosen(note, [&o](const Context& context) {
    Json body = {{"text", o.text}};
    PutFields(body, {{"at", &o.at}});
    return Show(context, "POST", ReportPath(o.id, "/notes"), &body, ReportFields(), true);
  });

  CLI::App* rate =
      reports->add_subcommand("rate", "the customer's satisfaction (1-5) once resolved");
  rate->add_option("id", o.id, "the report's id")->required();
  rate->add_option("score", o.score, "1 (poor) to 5 (excellent)")
      ->required()
      ->check(CLI::Range(1, 5));
  rate->add_option("--comment", o.comment, "what the customer said");
  rate->add_option("--at", o.at, "when, to import history (RFC 3339)");
  cli.OnChosen(rate, [&o](const Context& context) {
    Json body = {{"score", o.score}};
    PutFields(body, {{"comment", &o.comment}, {"at", &o.at}});
    return Show(context, "POST", ReportPath(o.id, "/satisfaction"), &body, ReportFields(), true);
  });
}

}  // namespace

void AddReportCommands(CLI::App& app, Cli& cli) {
  Options& o = cli.options;
  CLI::App* reports = app.add_subcommand(
      "reports",
      "fault reports (faults, consultations, complaints): list, show, create, assign, "
      "transition, note, rate");
  reports->require_subcommand(1);
  AddList(reports, cli);
  CLI::App* show = reports->add_subcommand("show", "one report with its history");
  show->add_option("id", o.id, "the report's id")->required();
  cli.OnChosen(show, [&o](const Context& context) {
    return Show(context, "GET", ReportPath(o.id), nullptr, ReportFields(), true);
  });
  AddCreate(reports, cli);
  AddAssignAndTransition(reports, cli);
  AddNoteAndRate(reports, cli);
}

}  // namespace vigil::ctl
