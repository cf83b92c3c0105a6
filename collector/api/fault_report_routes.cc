#include "collector/api/request.h"
#include "collector/api/routes.h"
#include "collector/api/sla_json.h"
#include "collector/reports/fault_report_book.h"
#include "collector/sla/sla_engine.h"
#include "collector/views/views.h"

namespace vigil::collector {
namespace {

using Json = nlohmann::json;

// Reads the `names` among a report's fields from a body: strings, the reporter and assignee
// objects, and occurred_at.
void ReadFields(BodyReader& reader, const Json& body, std::initializer_list<std::string_view> names,
                ReportFields& fields) {
  const std::map<std::string, std::optional<std::string>*> strings = {
      {"kind", &fields.kind},
      {"customer", &fields.customer},
      {"title", &fields.title},
      {"symptom", &fields.symptom},
      {"category", &fields.category},
      {"severity", &fields.severity},
      {"channel", &fields.channel},
      {"root_cause", &fields.root_cause},
      {"resolution", &fields.resolution},
      {"prevention", &fields.prevention}};
  for (std::string_view name_view : names) {
    const std::string name(name_view);
    if (auto it = strings.find(name); it != strings.end()) {
      *it->second = reader.String(name);
    } else if (name == "occurred_at") {
      fields.occurred_ms = reader.Time(name);
    } else if (name == "reporter" || name == "assignee") {
      if (!body.contains(name)) continue;
      const bool reporter = name == "reporter";
      const char* first = reporter ? "name" : "team";
      const char* second = reporter ? "contact" : "person";
      for (const auto& [key, value] : reader.StringMap(name)) {
        if (key == first) {
          (reporter ? fields.reporter_name : fields.assignee_team) = value;
        } else if (key == second) {
          (reporter ? fields.reporter_contact : fields.assignee_person) = value;
        } else {
          reader.Fail(ErrorCode::kBadRequest, name + "." + key + ": unknown field (expected " +
                                                  first + " or " + second + ")");
        }
      }
    }
  }
}

Result<FaultReportFilter> ReadFilter(const std::map<std::string, std::string>& query) {
  if (Status known = CheckQueryParameters(
          query, {"customer", "kind", "status", "severity", "category", "since", "until"});
      !known) {
    return known.error();
  }
  FaultReportFilter filter;
  const auto text = [&query](const char* name) { return QueryText(query, name); };
  filter.customer = text("customer");
  filter.kind = text("kind");
  filter.status = text("status");
  filter.severity = text("severity");
  filter.category = text("category");
  if (filter.status && !IsReportStatus(*filter.status)) {
    return MakeError(ErrorCode::kBadRequest,
                     "status: expected new, assigned, in_progress, "
                     "pending_customer, resolved or closed");
  }
  auto period = ReadQueryPeriod(query, "since", "until");
  if (!period) return period.error();
  filter.since_ms = period->from_ms;
  filter.until_ms = period->to_ms;
  return filter;
}

class ReportRoutes {
 public:
  ReportRoutes(FaultReportBook& book, const SlaEngine& sla, FaultReportStore& store)
      : book_(book), sla_(sla), store_(store) {}

  HttpResponse Show(const Result<FaultReportRecord>& report, int status = 200) const {
    if (!report) return ErrorResponse(report.error());
    return JsonResponse(status, FaultReportJson(*report, SlaBlockJson(sla_.FiguresFor(*report))));
  }

  HttpResponse List(const ApiRequest& request) const {
    auto filter = ReadFilter(request.query);
    if (!filter) return ErrorResponse(filter.error());
    auto page = ReadPageRequest(request.query);
    if (!page) return ErrorResponse(page.error());
    auto listed = store_.ListFaultReports(*filter, page->cursor, page->limit);
    if (!listed) return ErrorResponse(listed.error());
    Json out = {{"items", Json::array()}, {"next_cursor", nullptr}};
    for (const FaultReportRecord& report : listed->items) {
      out["items"].push_back(FaultReportJson(report, SlaBlockJson(sla_.FiguresFor(report))));
    }
    if (listed->next) out["next_cursor"] = std::to_string(*listed->next);
    return JsonResponse(200, out);
  }

  HttpResponse Create(const ApiRequest& request) {
    auto body = ParseJsonBody(request.http);
    if (!body) return ErrorResponse(body.error());
    BodyReader reader(*body, {"kind", "customer", "title", "symptom", "category", "severity",
                              "channel", "reporter", "assignee", "root_cause", "resolution",
                              "prevention", "occurred_at", "from_incident", "at"});
    ReportFields fields;
    ReadFields(reader, *body,
               {"kind", "customer", "title", "symptom", "category", "severity", "channel",
                "reporter", "assignee", "root_cause", "resolution", "prevention", "occurred_at"},
               fields);
    std::optional<std::string> from_incident = reader.String("from_incident");
    std::optional<std::int64_t> at = reader.Time("at");
    if (!from_incident) {
      if (!fields.customer) reader.Fail(ErrorCode::kBadRequest, "customer: required");
      if (!fields.title) reader.Fail(ErrorCode::kBadRequest, "title: required");
    }
    if (Status read = reader.status(); !read) return ErrorResponse(read.error());
    return Show(book_.Create(fields, from_incident, request.Actor(), at), 201);
  }

  HttpResponse Edit(const ApiRequest& request) {
    auto body = ParseJsonBody(request.http);
    if (!body) return ErrorResponse(body.error());
    BodyReader reader(*body, {"title", "symptom", "category", "severity", "assignee", "root_cause",
                              "resolution", "prevention", "at"});
    ReportFields fields;
    ReadFields(reader, *body,
               {"title", "symptom", "category", "severity", "assignee", "root_cause", "resolution",
                "prevention"},
               fields);
    std::optional<std::int64_t> at = reader.Time("at");
    if (Status read = reader.status(); !read) return ErrorResponse(read.error());
    return Show(book_.Edit(request.path.at("id"), fields, request.Actor(), at));
  }

  HttpResponse Transition(const ApiRequest& request) {
    auto body = ParseJsonBody(request.http);
    if (!body) return ErrorResponse(body.error());
    BodyReader reader(*body,
                      {"to", "note", "at", "assignee", "root_cause", "resolution", "prevention"});
    ReportFields fields;
    ReadFields(reader, *body, {"assignee", "root_cause", "resolution", "prevention"}, fields);
    std::optional<std::string> to = reader.String("to", true);
    std::optional<std::string> note = reader.String("note");
    std::optional<std::int64_t> at = reader.Time("at");
    if (Status read = reader.status(); !read) return ErrorResponse(read.error());
    return Show(book_.Transition(request.path.at("id"), *to, fields, note.value_or(""),
                                 request.Actor(), at));
  }

  HttpResponse Note(const ApiRequest& request) {
    auto body = ParseJsonBody(request.http);
    if (!body) return ErrorResponse(body.error());
    BodyReader reader(*body, {"text", "at"});
    std::optional<std::string> text = reader.String("text", true);
    std::optional<std::int64_t> at = reader.Time("at");
    if (Status read = reader.status(); !read) return ErrorResponse(read.error());
    return Show(book_.AddNote(request.path.at("id"), *text, request.Actor(), at));
  }

  HttpResponse Rate(const ApiRequest& request) {
    auto body = ParseJsonBody(request.http);
    if (!body) return ErrorResponse(body.error());
    BodyReader reader(*body, {"score", "comment", "at"});
    std::optional<std::int64_t> score = reader.Integer("score", 1, 5);
    if (!score && !body->contains("score"))
      reader.Fail(ErrorCode::kBadRequest, "score: required (1 to 5)");
    std::optional<std::string> comment = reader.String("comment");
    std::optional<std::int64_t> at = reader.Time("at");
    if (Status read = reader.status(); !read) return ErrorResponse(read.error());
    return Show(book_.Rate(request.path.at("id"), static_cast<int>(*score), comment.value_or(""),
                           request.Actor(), at));
  }

 private:
  FaultReportBook& book_;
  const SlaEngine& sla_;
  FaultReportStore& store_;
};

}  // namespace

void AddFaultReportRoutes(ApiRouter& router, FaultReportBook& book, const SlaEngine& sla,
                          FaultReportStore& store) {
  auto routes = std::make_shared<ReportRoutes>(book, sla, store);
  router.Add("GET", "/api/v1/fault-reports", Role::kViewer,
             [routes](const ApiRequest& request) { return routes->List(request); });
  router.Add("GET", "/api/v1/fault-reports/{id}", Role::kViewer,
             [routes, &book](const ApiRequest& request) {
               if (Status known = CheckQueryParameters(request.query, {}); !known) {
                 return ErrorResponse(known.error());
               }
               return routes->Show(book.Get(request.path.at("id")));
             });
  router.Add("POST", "/api/v1/fault-reports", Role::kOperator,
             [routes](const ApiRequest& request) { return routes->Create(request); });
  router.Add("PATCH", "/api/v1/fault-reports/{id}", Role::kOperator,
             [routes](const ApiRequest& request) { return routes->Edit(request); });
  router.Add("POST", "/api/v1/fault-reports/{id}/transition", Role::kOperator,
             [routes](const ApiRequest& request) { return routes->Transition(request); });
  router.Add("POST", "/api/v1/fault-reports/{id}/notes", Role::kOperator,
             [routes](const ApiRequest& request) { return routes->Note(request); });
  router.Add("POST", "/api/v1/fault-reports/{id}/satisfaction", Role::kOperator,
             [routes](const ApiRequest& request) { return routes->Rate(request); });
}

}  // namespace vigil::collector
