#include "vigilctl/commands.h"

#include <ostream>

#include "common/time_format.h"
#include "common/units.h"

namespace vigil::ctl {
namespace {

using Json = nlohmann::json;

// Prints the API's error and returns kApiError, or kNoConnect when there was no answer.
int Fail(const Context& context, const Result<ApiAnswer>& answer) {
  if (!answer) {
    context.err << "vigilctl: " << answer.error().message << "\n";
    return kNoConnect;
  }
  const Json body = Json::parse(answer->body, nullptr, /*allow_exceptions=*/false);
  std::string message = "HTTP " + std::to_string(answer->status);
  if (body.is_object() && body.contains("error") && body["error"].is_object()) {
    message = body["error"].value("message", message) + " (HTTP " + std::to_string(answer->status) +
              " " + body["error"].value("code", "") + ")";
  }
  context.err << "vigilctl: " << message << "\n";
  return kApiError;
}

std::optional<Json> Parse(const Context& context, const ApiAnswer& answer) {
  Json body = Json::parse(answer.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) {
    context.err << "vigilctl: the server's answer is not JSON (is --server the collector's API?)\n";
    return std::nullopt;
  }
  return body;
}

std::string Join(const Query& query) {
  std::string out;
  for (const auto& [name, value] : query) {
    out += (out.empty() ? "?" : "&") + UrlEncode(name) + "=" + UrlEncode(value);
  }
  return out;
}

void Print(const Context& context, const std::vector<Column>& columns,
           const std::vector<Json>& rows) {
  if (context.format == Format::kCsv) {
    context.out << RenderCsv(columns, rows);
  } else {
    context.out << RenderTable(columns, rows);
  }
}

}  // namespace

int List(const Context& context, const std::string& path, const Query& query,
         const std::vector<Column>& columns, std::size_t max_items) {
  std::vector<Json> items;
  std::optional<std::string> cursor;
  do {
    Query page = query;
    const std::size_t wanted =
        max_items == 0 ? 1000 : std::min<std::size_t>(1000, max_items - items.size());
    page.emplace_back("limit", std::to_string(wanted));
    if (cursor) page.emplace_back("cursor", *cursor);
    auto answer = context.client.Call("GET", path + Join(page));
    if (!answer || answer->status >= 300) return Fail(context, answer);
    auto body = Parse(context, *answer);
    if (!body) return kApiError;
    for (Json& item : (*body)["items"]) items.push_back(std::move(item));
    cursor.reset();
    if ((*body)["next_cursor"].is_string()) cursor = (*body)["next_cursor"].get<std::string>();
  } while (cursor && (max_items == 0 || items.size() < max_items));
  if (context.format == Format::kJson) {
    context.out << Json(items).dump(2) << "\n";
  } else {
    Print(context, columns, items);
  }
  return kOk;
}

int Show(const Context& context, const std::string& method, const std::string& path,
         const Json* body, const std::vector<Column>& fields, bool timeline) {
  auto answer = context.client.Call(method, path, body != nullptr ? body->dump() : "");
  if (!answer || answer->status >= 300) return Fail(context, answer);
  auto object = Parse(context, *answer);
  if (!object) return kApiError;
  switch (context.format) {
    case Format::kJson: context.out << object->dump(2) << "\n"; break;
    case Format::kCsv: context.out << RenderCsv(fields, {*object}); break;
    case Format::kTable:
      context.out << RenderFields(fields, *object);
      if (timeline && object->contains("timeline")) {
        std::vector<Json> entries((*object)["timeline"].begin(), (*object)["timeline"].end());
        context.out << "\nTimeline:\n"
                    << RenderTable({Field("AT", "at", true), Field("TYPE", "type"),
                                    Field("ACTOR", "actor"), Field("TEXT", "text")},
                                   entries);
      }
      if (timeline && object->contains("history")) {
        std::vector<Json> entries((*object)["history"].begin(), (*object)["history"].end());
        Column changes{"CHANGES", [](const Json& row) {
                         std::string out;
                         const Json all = row.value("changes", Json::object());
                         for (const auto& [field, change] : all.items()) {
                           out += (out.empty() ? "" : "; ") + field + ": " +
                                  Scalar(change.value("from", Json())) + " -> " +
                                  Scalar(change.value("to", Json()));
                         }
                         return out;
                       }};
        context.out << "\nHistory:\n"
                    << RenderTable(
                           {Field("AT", "at", true), Field("FROM", "from"), Field("TO", "to"),
                            Field("ACTOR", "actor"), Field("NOTE", "note"), std::move(changes)},
                           entries);
      }
      break;
  }
  return kOk;
}

std::vector<Column> AgentColumns() {
  return {Field("CUSTOMER", "customer"),   Field("AGENT", "id"),
          Field("HOSTNAME", "hostname"),   Field("VERSION", "version"),
          Field("CONNECTED", "connected"), Field("LAST SEEN", "last_seen", true),
          Field("SERIES", "series"),       Field("LABELS", "labels")};
}

std::vector<Column> FindingColumns() {
  return {Field("CHECK", "check"), Field("KEY", "key"), Field("SEVERITY", "severity"),
          Field("SINCE", "first_seen", true), Field("TITLE", "title")};
}

std::vector<Column> IncidentColumns() {
  return {Field("ID", "id"),
          Field("STATE", "state"),
          Field("SEVERITY", "severity"),
          Field("CUSTOMER", "customer"),
          Field("AGENT", "agent"),
          Field("RULE", "rule"),
          Field("STARTED", "started_at", true),
          Field("SILENCED", "silenced"),
          Field("SUMMARY", "summary")};
}

std::vector<Column> IncidentFields() {
  return {Field("ID", "id"),
          Field("State", "state"),
          Field("Severity", "severity"),
          Field("Customer", "customer"),
          Field("Agent", "agent"),
          Field("Rule", "rule"),
          Field("Summary", "summary"),
          Field("Value", "value"),
          Field("Labels", "labels"),
          Field("Started", "started_at", true),
          Field("Acknowledged", "acknowledged_at", true),
          Field("Acknowledged by", "acknowledged_by"),
          Field("Resolved", "resolved_at", true),
          Field("Resolved by", "resolved_by"),
          Field("Silenced", "silenced"),
          Field("Previous", "previous_id")};
}

std::vector<Column> SilenceColumns() {
  Column matchers{"MATCHERS", [](const Json& row) {
                    std::string out;
                    for (const Json& m : row.value("matchers", Json::array())) {
                      out += (out.empty() ? "" : ", ") + m.value("name", "") + m.value("op", "=") +
                             "\"" + m.value("value", "") + "\"";
                    }
                    return out;
                  }};
  return {Field("ID", "id"),
          Field("STATE", "state"),
          std::move(matchers),
          Field("STARTS", "starts_at", true),
          Field("ENDS", "ends_at", true),
          Field("CREATED BY", "created_by"),
          Field("COMMENT", "comment")};
}

std::vector<Column> TokenColumns() {
  Column owner{"CUSTOMER/ROLE", [](const Json& row) {
                 return Scalar(row.contains("role") ? row["role"] : row.value("customer", Json()));
               }};
  return {Field("ID", "id"),
          Field("KIND", "kind"),
          std::move(owner),
          Field("NAME", "name"),
          Field("CREATED", "created_at", true),
          Field("REVOKED", "revoked_at", true)};
}

std::vector<Column> RuleColumns() {
  Column for_column{
      "FOR", [](const Json& row) {
        const Json seconds = row.value("for", Json(0));
        if (!seconds.is_number()) return std::string("-");
        return FormatDuration(Duration(static_cast<Duration::rep>(seconds.get<double>() * 1000)));
      }};
  return {Field("NAME", "name"),       Field("STATE", "state"),   Field("SEVERITY", "severity"),
          std::move(for_column),       Field("FIRING", "firing"), Field("PENDING", "pending"),
          Field("BUILTIN", "builtin"), Field("EXPR", "expr")};
}

std::vector<Column> NotificationColumns() {
  return {Field("ID", "id"),
          Field("INCIDENT", "incident_id"),
          Field("RECEIVER", "receiver"),
          Field("EVENT", "event"),
          Field("STATE", "state"),
          Field("ATTEMPTS", "attempts"),
          Field("CREATED", "created_at", true),
          Field("LAST STATUS", "last_status"),
          Field("LAST ERROR", "last_error")};
}

namespace {

// A column reading `object.field` ("assignee", "team").
Column Nested(std::string header, std::string object, std::string field) {
  return {std::move(header), [object, field](const Json& row) {
            const Json inner = row.value(object, Json::object());
            return inner.is_object() ? Scalar(inner.value(field, Json())) : Scalar(Json());
          }};
}

// A number of seconds as a duration ("1h30m"); anything else as a scalar.
std::string SecondsText(const Json& value) {
  if (!value.is_number()) return Scalar(value);
  return FormatDuration(Duration(static_cast<Duration::rep>(value.get<double>() * 1000)));
}

Column Seconds(std::string header, std::string field) {
  return {std::move(header),
          [field](const Json& row) { return SecondsText(row.value(field, Json())); }};
}

// A summary statistic ({"mean","p50","p90"}) of business or wall seconds as durations.
Column Statistic(std::string header, std::string field, std::string which) {
  return {std::move(header), [field, which](const Json& row) {
            const Json statistic = row.value(field, Json::object());
            return SecondsText(statistic.is_object() ? statistic.value(which, Json()) : Json());
          }};
}

}  // namespace

std::vector<Column> ReportColumns() {
  return {Field("ID", "id"),
          Field("KIND", "kind"),
          Field("STATUS", "status"),
          Field("SEVERITY", "severity"),
          Field("CUSTOMER", "customer"),
          Field("CATEGORY", "category"),
          Nested("TEAM", "assignee", "team"),
          Field("REPORTED", "reported_at", true),
          Nested("RESOLUTION DUE", "sla", "resolution_due"),
          Field("TITLE", "title")};
}

std::vector<Column> ReportFields() {
  return {Field("ID", "id"),
          Field("Kind", "kind"),
          Field("Status", "status"),
          Field("Customer", "customer"),
          Field("Title", "title"),
          Field("Symptom", "symptom"),
          Field("Category", "category"),
          Field("Severity", "severity"),
          Field("Channel", "channel"),
          Nested("Reporter", "reporter", "name"),
          Nested("Reporter contact", "reporter", "contact"),
          Nested("Team", "assignee", "team"),
          Nested("Person", "assignee", "person"),
          Field("Occurred", "occurred_at", true),
          Field("Reported", "reported_at", true),
          Field("First response", "first_response_at", true),
          Field("Resolved", "resolved_at", true),
          Field("Closed", "closed_at", true),
          Field("Root cause", "root_cause"),
          Field("Resolution", "resolution"),
          Field("Prevention", "prevention"),
          Field("Incidents", "incidents"),
          Nested("Satisfaction", "satisfaction", "score"),
          Nested("Response due", "sla", "response_due"),
          Nested("Resolution due", "sla", "resolution_due"),
          Nested("Response met", "sla", "response_met"),
          Nested("Resolution met", "sla", "resolution_met"),
          Nested("Paused", "sla", "paused")};
}

int AssignReport(const Context& context, const std::string& id, const std::string& team,
                 const std::string& person, const std::string& note, const std::string& at) {
  const std::string path = "/api/v1/fault-reports/" + UrlEncode(id);
  auto current = context.client.Call("GET", path);
  if (!current || current->status >= 300) return Fail(context, current);
  auto report = Parse(context, *current);
  if (!report) return kApiError;
  Json body = {{"assignee", {{"team", team}, {"person", person}}}};
  if (!at.empty()) body["at"] = at;
  if (report->value("status", "") == "new") {
    body["to"] = "assigned";
    if (!note.empty()) body["note"] = note;
    return Show(context, "POST", path + "/transition", &body, ReportFields(), true);
  }
  if (!note.empty()) {
    context.err << "vigilctl: --note goes on a transition; the report is "
                << report->value("status", "") << ", so its assignee is edited without one\n";
    return kUsage;
  }
  return Show(context, "PATCH", path, &body, ReportFields(), true);
}

int SlaReport(const Context& context, const Query& query) {
  Query full = query;
  if (context.format == Format::kCsv) full.emplace_back("format", "csv");
  auto answer = context.client.Call("GET", "/api/v1/sla/report" + Join(full));
  if (!answer || answer->status >= 300) return Fail(context, answer);
  if (context.format == Format::kCsv) {
    context.out << answer->body;
    return kOk;
  }
  auto report = Parse(context, *answer);
  if (!report) return kApiError;
  if (context.format == Format::kJson) {
    context.out << report->dump(2) << "\n";
    return kOk;
  }
  const std::vector<Json> items((*report)["items"].begin(), (*report)["items"].end());
  const std::vector<Json> summary((*report)["summary"].begin(), (*report)["summary"].end());
  context.out << "Customer " << report->value("customer", "") << ", "
              << LocalTime(report->value("from", "")) << " to "
              << LocalTime(report->value("to", "")) << "\n\nItems:\n"
              << RenderTable({Field("TYPE", "type"), Field("ID", "id"), Field("KIND", "kind"),
                              Field("SEVERITY", "severity"), Field("OPENED", "opened_at", true),
                              Seconds("RESPONSE (BUSINESS)", "response_business_seconds"),
                              Field("RESPONSE MET", "response_met"),
                              Seconds("RESOLUTION (BUSINESS)", "resolution_business_seconds"),
                              Field("RESOLUTION MET", "resolution_met"),
                              Seconds("PAUSED", "paused_seconds")},
                             items)
              << "\nSummary:\n"
              << RenderTable(
                     {Field("KIND", "kind"), Field("SEVERITY", "severity"), Field("COUNT", "count"),
                      Field("OPEN", "open"),
                      Statistic("MTTA (BUSINESS)", "mtta_business_seconds", "mean"),
                      Statistic("MTTR (BUSINESS)", "mttr_business_seconds", "mean"),
                      Statistic("MTTR P90", "mttr_business_seconds", "p90"),
                      Field("RESPONSE ON TIME", "response_on_time_ratio"),
                      Field("RESOLUTION ON TIME", "resolution_on_time_ratio"),
                      Field("BREACHES", "breaches"), Field("SATISFACTION", "satisfaction_mean")},
                     summary);
  return kOk;
}

Result<Json> ParseMatcher(const std::string& text) {
  std::size_t name_end = 0;
  while (name_end < text.size() &&
         (std::isalnum(static_cast<unsigned char>(text[name_end])) || text[name_end] == '_')) {
    ++name_end;
  }
  const std::string name = text.substr(0, name_end);
  std::string op;
  for (const char* candidate : {"=~", "!~", "!=", "="}) {
    if (text.compare(name_end, std::string(candidate).size(), candidate) == 0) {
      op = candidate;
      break;
    }
  }
  if (name.empty() || op.empty()) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        "matcher \"" + text + "\": expected NAME=VALUE, NAME!=VALUE, NAME=~REGEX or NAME!~REGEX");
  }
  std::string value = text.substr(name_end + op.size());
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
    std::string unquoted;
    for (std::size_t i = 1; i + 1 < value.size(); ++i) {
      if (value[i] == '\\' && i + 2 < value.size()) ++i;
      unquoted += value[i];
    }
    value = unquoted;
  }
  return Json{{"name", name}, {"op", op}, {"value", value}};
}

Result<std::string> ParseTimeArgument(const std::string& text, std::int64_t now_ms) {
  if (ParseRfc3339(text)) return text;
  if (auto ago = ParseDuration(text)) return FormatRfc3339(now_ms - ago->count());
  return MakeError(ErrorCode::kInvalidArgument,
                   "\"" + text +
                       "\" is neither an RFC 3339 time (2026-03-01T09:30:00Z) "
                       "nor a duration ago (2h)");
}

}  // namespace vigil::ctl
