// vigilctl: drives the collector's REST API (docs/api.md). See --help of each command.

#include <CLI/CLI.hpp>
#include <iostream>

#include "common/clock.h"
#include "common/command_line.h"
#include "common/time_format.h"
#include "vigilctl/commands.h"

namespace {

using vigil::ctl::Column;
using vigil::ctl::Context;
using vigil::ctl::Query;
using Json = nlohmann::json;

// Adds `name` to the query when the option was given.
void Put(Query& query, const std::string& name, const std::string& value) {
  if (!value.empty()) query.emplace_back(name, value);
}

}  // namespace

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

  std::function<int(const Context&)> action;
  const std::int64_t now_ms = vigil::ToUnixMillis(vigil::RealClock().Now());
  std::string time_error;
  // Reads a time option: RFC 3339, or a duration ago.
  const auto time_of = [&](const std::string& text) -> std::string {
    if (text.empty()) return text;
    auto parsed = vigil::ctl::ParseTimeArgument(text, now_ms);
    if (!parsed) time_error = parsed.error().message;
    return parsed ? *parsed : "";
  };

  // agents
  CLI::App* agents = app.add_subcommand("agents", "the agents that stream to the collector");
  agents->require_subcommand(1);
  std::string customer, connected;
  CLI::App* agents_list = agents->add_subcommand("list", "list agents");
  agents_list->add_option("--customer", customer, "only this customer's");
  agents_list->add_option("--connected", connected, "only connected (true) or not (false)")
      ->check(CLI::IsMember({"true", "false"}));
  agents_list->callback([&] {
    action = [&](const Context& context) {
      Query query;
      Put(query, "customer", customer);
      Put(query, "connected", connected);
      return vigil::ctl::List(context, "/api/v1/agents", query, vigil::ctl::AgentColumns(), 0);
    };
  });
  std::string agent_id;
  CLI::App* agents_show = agents->add_subcommand("show", "one agent");
  agents_show->add_option("customer", customer, "its customer")->required();
  agents_show->add_option("agent", agent_id, "its id")->required();
  agents_show->callback([&] {
    action = [&](const Context& context) {
      return vigil::ctl::Show(context, "GET",
                              "/api/v1/agents/" + vigil::ctl::UrlEncode(customer) + "/" +
                                  vigil::ctl::UrlEncode(agent_id),
                              nullptr, vigil::ctl::AgentColumns());
    };
  });

  std::string check, finding_severity;
  CLI::App* agents_findings =
      agents->add_subcommand("findings", "an agent's current security findings");
  agents_findings->add_option("customer", customer, "its customer")->required();
  agents_findings->add_option("agent", agent_id, "its id")->required();
  agents_findings->add_option("--check", check,
                              "only this check (fim.changed, ssh.permit_root_login, …)");
  agents_findings->add_option("--severity", finding_severity, "only this severity")
      ->check(CLI::IsMember({"critical", "high", "medium", "low"}));
  agents_findings->callback([&] {
    action = [&](const Context& context) {
      Query query;
      Put(query, "check", check);
      Put(query, "severity", finding_severity);
      return vigil::ctl::List(context,
                              "/api/v1/agents/" + vigil::ctl::UrlEncode(customer) + "/" +
                                  vigil::ctl::UrlEncode(agent_id) + "/findings",
                              query, vigil::ctl::FindingColumns(), 0);
    };
  });

  // incidents
  CLI::App* incidents =
      app.add_subcommand("incidents", "incidents: list, show, ack, resolve, note, open");
  incidents->require_subcommand(1);
  std::string state, severity, rule, since, until, id, note, at, text;
  std::size_t limit = 0;
  CLI::App* incidents_list = incidents->add_subcommand("list", "list incidents, newest first");
  incidents_list->add_option("--state", state, "firing, acknowledged, resolved or open")
      ->check(CLI::IsMember({"firing", "acknowledged", "resolved", "open"}));
  incidents_list->add_option("--customer", customer, "only this customer's");
  incidents_list->add_option("--agent", agent_id, "only this agent's");
  incidents_list->add_option("--severity", severity, "critical, high, medium or low")
      ->check(CLI::IsMember({"critical", "high", "medium", "low"}));
  incidents_list->add_option("--rule", rule, "only this rule's");
  incidents_list->add_option("--since", since,
                             "started at or after: RFC 3339, or a duration ago (24h)");
  incidents_list->add_option("--until", until, "started before: RFC 3339, or a duration ago");
  incidents_list->add_option("--limit", limit, "at most this many (default: all)");
  incidents_list->callback([&] {
    action = [&](const Context& context) {
      Query query;
      Put(query, "state", state);
      Put(query, "customer", customer);
      Put(query, "agent", agent_id);
      Put(query, "severity", severity);
      Put(query, "rule", rule);
      Put(query, "since", time_of(since));
      Put(query, "until", time_of(until));
      if (!time_error.empty()) {
        context.err << "vigilctl: " << time_error << "\n";
        return vigil::ctl::kUsage;
      }
      return vigil::ctl::List(context, "/api/v1/incidents", query, vigil::ctl::IncidentColumns(),
                              limit);
    };
  });
  CLI::App* incidents_show = incidents->add_subcommand("show", "one incident with its timeline");
  incidents_show->add_option("id", id, "the incident's id")->required();
  incidents_show->callback([&] {
    action = [&](const Context& context) {
      return vigil::ctl::Show(context, "GET", "/api/v1/incidents/" + vigil::ctl::UrlEncode(id),
                              nullptr, vigil::ctl::IncidentFields(), true);
    };
  });
  // ack, resolve and note share their shape: POST a small body to the incident.
  const auto incident_change = [&](const std::string& name, const std::string& help,
                                   const std::string& verb, bool takes_text) {
    CLI::App* command = incidents->add_subcommand(name, help);
    command->add_option("id", id, "the incident's id")->required();
    if (takes_text) {
      command->add_option("text", text, "the note")->required();
    } else {
      command->add_option("--note", note, "a note for the timeline");
    }
    command->add_option("--at", at, "when it happened, to import history (RFC 3339)");
    command->callback([&, verb, takes_text] {
      action = [&, verb, takes_text](const Context& context) {
        Json body = Json::object();
        if (takes_text) body["text"] = text;
        if (!note.empty()) body["note"] = note;
        if (!at.empty()) body["at"] = at;
        return vigil::ctl::Show(context, "POST",
                                "/api/v1/incidents/" + vigil::ctl::UrlEncode(id) + "/" + verb,
                                &body, vigil::ctl::IncidentFields(), true);
      };
    });
  };
  incident_change("ack", "acknowledge: you are on it (the first acknowledgement's time stays)",
                  "ack", false);
  incident_change("resolve", "resolve by hand", "resolve", false);
  incident_change("note", "add a note to the timeline", "notes", true);
  std::string summary;
  std::vector<std::string> labels;
  CLI::App* incidents_open = incidents->add_subcommand(
      "open", "open a manual incident for a problem no rule sees (admin)");
  incidents_open->add_option("--customer", customer, "whose problem it is")->required();
  incidents_open->add_option("--severity", severity, "critical, high, medium or low")
      ->required()
      ->check(CLI::IsMember({"critical", "high", "medium", "low"}));
  incidents_open->add_option("--summary", summary, "what is wrong")->required();
  incidents_open->add_option("--agent", agent_id, "the agent it concerns, if one");
  incidents_open->add_option("--label", labels,
                             "NAME=VALUE, for routing and silences (repeatable)");
  incidents_open->add_option("--at", at, "when it started, to import history (RFC 3339)");
  incidents_open->callback([&] {
    action = [&](const Context& context) {
      Json body = {{"customer", customer}, {"severity", severity}, {"summary", summary}};
      if (!agent_id.empty()) body["agent"] = agent_id;
      if (!at.empty()) body["at"] = at;
      if (!labels.empty()) body["labels"] = Json::object();
      for (const std::string& label : labels) {
        const std::size_t equals = label.find('=');
        if (equals == std::string::npos || equals == 0) {
          context.err << "vigilctl: --label " << label << ": expected NAME=VALUE\n";
          return vigil::ctl::kUsage;
        }
        body["labels"][label.substr(0, equals)] = label.substr(equals + 1);
      }
      return vigil::ctl::Show(context, "POST", "/api/v1/incidents", &body,
                              vigil::ctl::IncidentFields(), true);
    };
  });

  // silences
  CLI::App* silences = app.add_subcommand("silences", "silences: list, add, expire");
  silences->require_subcommand(1);
  CLI::App* silences_list = silences->add_subcommand("list", "list silences, newest first");
  silences_list->add_option("--state", state, "pending, active or expired")
      ->check(CLI::IsMember({"pending", "active", "expired"}));
  silences_list->callback([&] {
    action = [&](const Context& context) {
      Query query;
      Put(query, "state", state);
      return vigil::ctl::List(context, "/api/v1/silences", query, vigil::ctl::SilenceColumns(), 0);
    };
  });
  std::vector<std::string> matchers;
  std::string duration, starts, comment;
  CLI::App* silences_add = silences->add_subcommand(
      "add",
      "mute incidents whose labels match, e.g. silences add 'customer=\"acme\"' "
      "'severity=~\"low|medium\"' --duration 2h --comment 'patching'");
  silences_add->add_option("matchers", matchers, "NAME=VALUE, NAME!=VALUE, NAME=~RE or NAME!~RE")
      ->required();
  auto* duration_option = silences_add->add_option("--duration", duration, "how long (2h, 30m)");
  auto* until_option = silences_add->add_option("--until", until, "until when (RFC 3339)");
  duration_option->excludes(until_option);
  silences_add->add_option("--starts", starts, "from when (RFC 3339; default now)");
  silences_add->add_option("--comment", comment, "why (required)")->required();
  silences_add->callback([&] {
    action = [&](const Context& context) {
      Json body = {{"comment", comment}, {"matchers", Json::array()}};
      for (const std::string& text_matcher : matchers) {
        auto matcher = vigil::ctl::ParseMatcher(text_matcher);
        if (!matcher) {
          context.err << "vigilctl: " << matcher.error().message << "\n";
          return vigil::ctl::kUsage;
        }
        body["matchers"].push_back(*matcher);
      }
      if (!duration.empty()) {
        auto parsed = vigil::ParseDuration(duration);
        if (!parsed) {
          context.err << "vigilctl: --duration: " << parsed.error().message << "\n";
          return vigil::ctl::kUsage;
        }
        body["duration"] = parsed->count() / 1000;
      } else if (!until.empty()) {
        body["ends_at"] = until;
      } else {
        context.err << "vigilctl: give --duration or --until\n";
        return vigil::ctl::kUsage;
      }
      if (!starts.empty()) body["starts_at"] = starts;
      return vigil::ctl::Show(context, "POST", "/api/v1/silences", &body,
                              vigil::ctl::SilenceColumns());
    };
  });
  CLI::App* silences_expire = silences->add_subcommand("expire", "end a silence now");
  silences_expire->add_option("id", id, "the silence's id")->required();
  silences_expire->callback([&] {
    action = [&](const Context& context) {
      return vigil::ctl::Show(context, "DELETE", "/api/v1/silences/" + vigil::ctl::UrlEncode(id),
                              nullptr, vigil::ctl::SilenceColumns());
    };
  });

  // tokens
  CLI::App* tokens = app.add_subcommand("tokens", "API and enrollment tokens (admin)");
  tokens->require_subcommand(1);
  tokens->add_subcommand("list", "list tokens (never their secrets)")->callback([&] {
    action = [&](const Context& context) {
      return vigil::ctl::List(context, "/api/v1/tokens", {}, vigil::ctl::TokenColumns(), 0);
    };
  });
  std::string role, name;
  CLI::App* tokens_create = tokens->add_subcommand(
      "create",
      "an API token (--role --name) or an enrollment token (--customer); the secret is "
      "shown only this once");
  auto* role_option = tokens_create->add_option("--role", role, "viewer, operator or admin")
                          ->check(CLI::IsMember({"viewer", "operator", "admin"}));
  tokens_create->add_option("--name", name, "who or what uses it");
  auto* customer_option =
      tokens_create->add_option("--customer", customer, "an enrollment token for this customer");
  role_option->excludes(customer_option);
  tokens_create->callback([&] {
    action = [&](const Context& context) {
      Json body = customer.empty() ? Json{{"kind", "api"}, {"role", role}, {"name", name}}
                                   : Json{{"kind", "enrollment"}, {"customer", customer}};
      if (!customer.empty() && !name.empty()) body["name"] = name;
      std::vector<Column> fields = vigil::ctl::TokenColumns();
      fields.push_back(vigil::ctl::Field("TOKEN", "token"));
      return vigil::ctl::Show(context, "POST", "/api/v1/tokens", &body, fields);
    };
  });
  CLI::App* tokens_revoke = tokens->add_subcommand("revoke", "revoke a token by its id");
  tokens_revoke->add_option("id", id, "the token's id")->required();
  tokens_revoke->callback([&] {
    action = [&](const Context& context) {
      return vigil::ctl::Show(context, "DELETE", "/api/v1/tokens/" + vigil::ctl::UrlEncode(id),
                              nullptr, vigil::ctl::TokenColumns());
    };
  });

  // notifications
  CLI::App* notifications =
      app.add_subcommand("notifications", "the outbox: what was sent, what waits, what died");
  notifications->require_subcommand(1);
  std::string receiver;
  CLI::App* notifications_list = notifications->add_subcommand("list", "list notifications");
  notifications_list->add_option("--state", state, "pending, delivered or dead")
      ->check(CLI::IsMember({"pending", "delivered", "dead"}));
  notifications_list->add_option("--incident", id, "only this incident's");
  notifications_list->add_option("--receiver", receiver, "only this receiver's");
  notifications_list->add_option("--limit", limit, "at most this many (default: all)");
  notifications_list->callback([&] {
    action = [&](const Context& context) {
      Query query;
      Put(query, "state", state);
      Put(query, "incident", id);
      Put(query, "receiver", receiver);
      return vigil::ctl::List(context, "/api/v1/notifications", query,
                              vigil::ctl::NotificationColumns(), limit);
    };
  });
  CLI::App* notifications_retry =
      notifications->add_subcommand("retry", "send a dead-lettered notification again");
  notifications_retry->add_option("id", id, "the notification's id")->required();
  notifications_retry->callback([&] {
    action = [&](const Context& context) {
      const Json empty = Json::object();
      return vigil::ctl::Show(context, "POST",
                              "/api/v1/notifications/" + vigil::ctl::UrlEncode(id) + "/retry",
                              &empty, vigil::ctl::NotificationColumns());
    };
  });

  // rules
  CLI::App* rules = app.add_subcommand("rules", "the collector's rules and their state");
  rules->require_subcommand(1);
  CLI::App* rules_list = rules->add_subcommand("list", "list rules");
  rules_list->add_option("--state", state, "inactive, pending or firing")
      ->check(CLI::IsMember({"inactive", "pending", "firing"}));
  rules_list->callback([&] {
    action = [&](const Context& context) {
      Query query;
      Put(query, "state", state);
      return vigil::ctl::List(context, "/api/v1/rules", query, vigil::ctl::RuleColumns(), 0);
    };
  });

  // fault reports
  CLI::App* reports = app.add_subcommand(
      "reports",
      "fault reports (faults, consultations, complaints): list, show, create, assign, "
      "transition, note, rate");
  reports->require_subcommand(1);
  std::string kind, status, category, title, symptom, channel, from_incident, team, person,
      reporter_name, reporter_contact, root_cause, resolution, prevention, to_status;
  CLI::App* reports_list = reports->add_subcommand("list", "list fault reports, newest first");
  reports_list->add_option("--customer", customer, "only this customer's");
  reports_list->add_option("--kind", kind, "fault, consultation or complaint")
      ->check(CLI::IsMember({"fault", "consultation", "complaint"}));
  reports_list->add_option("--status", status,
                           "new, assigned, in_progress, pending_customer, resolved or closed");
  reports_list->add_option("--severity", severity, "critical, high, medium or low");
  reports_list->add_option("--category", category, "only this category");
  reports_list->add_option("--since", since, "reported at or after: RFC 3339, or a duration ago");
  reports_list->add_option("--until", until, "reported before: RFC 3339, or a duration ago");
  reports_list->add_option("--limit", limit, "at most this many (default: all)");
  reports_list->callback([&] {
    action = [&](const Context& context) {
      Query query;
      Put(query, "customer", customer);
      Put(query, "kind", kind);
      Put(query, "status", status);
      Put(query, "severity", severity);
      Put(query, "category", category);
      Put(query, "since", time_of(since));
      Put(query, "until", time_of(until));
      if (!time_error.empty()) {
        context.err << "vigilctl: " << time_error << "\n";
        return vigil::ctl::kUsage;
      }
      return vigil::ctl::List(context, "/api/v1/fault-reports", query, vigil::ctl::ReportColumns(),
                              limit);
    };
  });
  CLI::App* reports_show = reports->add_subcommand("show", "one report with its history");
  reports_show->add_option("id", id, "the report's id")->required();
  reports_show->callback([&] {
    action = [&](const Context& context) {
      return vigil::ctl::Show(context, "GET", "/api/v1/fault-reports/" + vigil::ctl::UrlEncode(id),
                              nullptr, vigil::ctl::ReportFields(), true);
    };
  });
  CLI::App* reports_create = reports->add_subcommand(
      "create",
      "record a fault, consultation or complaint (--from-incident fills customer, "
      "severity, occurred time and symptom from an incident)");
  reports_create->add_option("--customer", customer, "whose");
  reports_create->add_option("--title", title, "a one-line title")->required();
  reports_create->add_option("--kind", kind, "fault (default), consultation or complaint")
      ->check(CLI::IsMember({"fault", "consultation", "complaint"}));
  reports_create->add_option("--severity", severity, "critical, high, medium (default) or low")
      ->check(CLI::IsMember({"critical", "high", "medium", "low"}));
  reports_create->add_option("--symptom", symptom, "what was seen");
  reports_create->add_option("--category", category, "database, network, ...");
  reports_create->add_option("--channel", channel, "monitoring, phone, email, web or onsite")
      ->check(CLI::IsMember({"monitoring", "phone", "email", "web", "onsite"}));
  reports_create->add_option("--reporter", reporter_name, "who reported it");
  reports_create->add_option("--contact", reporter_contact, "how to reach them");
  reports_create->add_option("--team", team, "the responsible team");
  reports_create->add_option("--person", person, "the responsible person");
  reports_create->add_option("--from-incident", from_incident, "an incident's id");
  reports_create->add_option("--at", at, "when it was reported, to import history (RFC 3339)");
  reports_create->callback([&] {
    action = [&](const Context& context) {
      Json body = {{"title", title}};
      const std::pair<const char*, const std::string*> strings[] = {
          {"customer", &customer},           {"kind", &kind},
          {"severity", &severity},           {"symptom", &symptom},
          {"category", &category},           {"channel", &channel},
          {"from_incident", &from_incident}, {"at", &at}};
      for (const auto& [field, value] : strings) {
        if (!value->empty()) body[field] = *value;
      }
      if (!reporter_name.empty() || !reporter_contact.empty()) {
        body["reporter"] = {{"name", reporter_name}, {"contact", reporter_contact}};
      }
      if (!team.empty() || !person.empty()) body["assignee"] = {{"team", team}, {"person", person}};
      return vigil::ctl::Show(context, "POST", "/api/v1/fault-reports", &body,
                              vigil::ctl::ReportFields(), true);
    };
  });
  CLI::App* reports_assign = reports->add_subcommand(
      "assign", "give a report to a team (and person); a new report moves to assigned");
  reports_assign->add_option("id", id, "the report's id")->required();
  reports_assign->add_option("--team", team, "the responsible team")->required();
  reports_assign->add_option("--person", person, "the responsible person");
  reports_assign->add_option("--note", note, "a note for the history");
  reports_assign->add_option("--at", at, "when, to import history (RFC 3339)");
  reports_assign->callback([&] {
    action = [&](const Context& context) {
      return vigil::ctl::AssignReport(context, id, team, person, note, at);
    };
  });
  CLI::App* reports_transition = reports->add_subcommand(
      "transition",
      "move a report: assigned, in_progress, pending_customer, resolved, closed "
      "(closing needs --root-cause and --resolution, given now or before)");
  reports_transition->add_option("id", id, "the report's id")->required();
  reports_transition->add_option("to", to_status, "the new status")
      ->required()
      ->check(CLI::IsMember({"assigned", "in_progress", "pending_customer", "resolved", "closed"}));
  reports_transition->add_option("--note", note, "a note for the history");
  reports_transition->add_option("--root-cause", root_cause, "why it happened");
  reports_transition->add_option("--resolution", resolution, "what fixed it");
  reports_transition->add_option("--prevention", prevention, "the lesson: what keeps it away");
  reports_transition->add_option("--at", at, "when, to import history (RFC 3339)");
  reports_transition->callback([&] {
    action = [&](const Context& context) {
      Json body = {{"to", to_status}};
      const std::pair<const char*, const std::string*> strings[] = {{"note", &note},
                                                                    {"root_cause", &root_cause},
                                                                    {"resolution", &resolution},
                                                                    {"prevention", &prevention},
                                                                    {"at", &at}};
      for (const auto& [field, value] : strings) {
        if (!value->empty()) body[field] = *value;
      }
      return vigil::ctl::Show(context, "POST",
                              "/api/v1/fault-reports/" + vigil::ctl::UrlEncode(id) + "/transition",
                              &body, vigil::ctl::ReportFields(), true);
    };
  });
  CLI::App* reports_note = reports->add_subcommand("note", "add a note to the history");
  reports_note->add_option("id", id, "the report's id")->required();
  reports_note->add_option("text", text, "the note")->required();
  reports_note->add_option("--at", at, "when, to import history (RFC 3339)");
  reports_note->callback([&] {
    action = [&](const Context& context) {
      Json body = {{"text", text}};
      if (!at.empty()) body["at"] = at;
      return vigil::ctl::Show(context, "POST",
                              "/api/v1/fault-reports/" + vigil::ctl::UrlEncode(id) + "/notes",
                              &body, vigil::ctl::ReportFields(), true);
    };
  });
  int score = 0;
  CLI::App* reports_rate =
      reports->add_subcommand("rate", "the customer's satisfaction (1-5) once resolved");
  reports_rate->add_option("id", id, "the report's id")->required();
  reports_rate->add_option("score", score, "1 (poor) to 5 (excellent)")
      ->required()
      ->check(CLI::Range(1, 5));
  reports_rate->add_option("--comment", comment, "what the customer said");
  reports_rate->add_option("--at", at, "when, to import history (RFC 3339)");
  reports_rate->callback([&] {
    action = [&](const Context& context) {
      Json body = {{"score", score}};
      if (!comment.empty()) body["comment"] = comment;
      if (!at.empty()) body["at"] = at;
      return vigil::ctl::Show(
          context, "POST", "/api/v1/fault-reports/" + vigil::ctl::UrlEncode(id) + "/satisfaction",
          &body, vigil::ctl::ReportFields(), true);
    };
  });

  // sla
  CLI::App* sla = app.add_subcommand("sla", "contract SLAs: the report a customer is shown");
  sla->require_subcommand(1);
  std::string from, to;
  CLI::App* sla_report = sla->add_subcommand(
      "report",
      "a customer's incidents and reports opened in [--from, --to) against their "
      "targets (-o csv for a spreadsheet)");
  sla_report->add_option("--customer", customer, "whose")->required();
  sla_report->add_option("--from", from, "period start: RFC 3339, or a duration ago")->required();
  sla_report->add_option("--to", to, "period end: RFC 3339, or a duration ago (default now)");
  sla_report->callback([&] {
    action = [&](const Context& context) {
      Query query;
      Put(query, "customer", customer);
      Put(query, "from", time_of(from));
      Put(query, "to", to.empty() ? vigil::FormatRfc3339(now_ms) : time_of(to));
      if (!time_error.empty()) {
        context.err << "vigilctl: " << time_error << "\n";
        return vigil::ctl::kUsage;
      }
      return vigil::ctl::SlaReport(context, query);
    };
  });

  if (auto exit_code = vigil::ParseCommandLine(app, argc, argv)) return *exit_code;
  if (!action) return vigil::kExitUsage;
  vigil::ctl::ApiClient api(client);
  const vigil::ctl::Format format = output == "json"  ? vigil::ctl::Format::kJson
                                    : output == "csv" ? vigil::ctl::Format::kCsv
                                                      : vigil::ctl::Format::kTable;
  return action(Context{api, format, std::cout, std::cerr});
}
