#include "collector/api/request.h"
#include "collector/api/routes.h"
#include "collector/service/alerting_service.h"
#include "collector/views/views.h"

namespace vigil::collector {
namespace {

using Json = nlohmann::json;

Result<IncidentFilter> ReadFilter(const std::map<std::string, std::string>& query) {
  if (Status known = CheckQueryParameters(
          query, {"state", "customer", "agent", "severity", "rule", "since", "until"});
      !known) {
    return known.error();
  }
  IncidentFilter filter;
  const auto text = [&query](const char* name) { return QueryText(query, name); };
  if (auto state = text("state")) {
    if (*state == "open") {
      filter.states = {IncidentState::kFiring, IncidentState::kAcknowledged};
    } else if (auto one = ParseIncidentState(*state)) {
      filter.states = {*one};
    } else {
      return MakeError(
          ErrorCode::kBadRequest,
          "state: expected firing, acknowledged, resolved or open, got \"" + *state + "\"");
    }
  }
  filter.customer = text("customer");
  filter.agent = text("agent");
  filter.rule = text("rule");
  filter.severity = text("severity");
  if (filter.severity && !ParseSeverity(*filter.severity)) {
    return MakeError(ErrorCode::kBadRequest, "severity: expected critical, high, medium or low");
  }
  auto period = ReadQueryPeriod(query, "since", "until");
  if (!period) return period.error();
  filter.since_ms = period->from_ms;
  filter.until_ms = period->to_ms;
  return filter;
}

// Reads {"note"?, "at"?} (or {"text", "at"?} for notes) and applies `change`.
template <typename Change>
HttpResponse ApplyChange(const ApiRequest& request, const char* text_field, bool text_required,
                         Change change) {
  auto body = ParseJsonBody(request.http);
  if (!body) return ErrorResponse(body.error());
  BodyReader reader(*body, {text_field, "at"});
  std::optional<std::string> text = reader.String(text_field, text_required);
  std::optional<std::int64_t> at = reader.Time("at");
  if (Status read = reader.status(); !read) return ErrorResponse(read.error());
  Result<IncidentRecord> changed = change(request.path.at("id"), text.value_or(""), at);
  if (!changed) return ErrorResponse(changed.error());
  return JsonResponse(200, IncidentJson(*changed, /*with_timeline=*/true));
}

}  // namespace

void AddIncidentRoutes(ApiRouter& router, AlertingService& alerting) {
  router.Add("GET", "/api/v1/incidents", Role::kViewer, [&alerting](const ApiRequest& request) {
    auto filter = ReadFilter(request.query);
    if (!filter) return ErrorResponse(filter.error());
    auto page = ReadPageRequest(request.query);
    if (!page) return ErrorResponse(page.error());
    auto listed = alerting.store().incidents().ListIncidents(*filter, page->cursor, page->limit);
    if (!listed) return ErrorResponse(listed.error());
    Json out = {{"items", Json::array()}, {"next_cursor", nullptr}};
    for (const IncidentRecord& incident : listed->items) {
      out["items"].push_back(IncidentJson(incident, /*with_timeline=*/false));
    }
    if (listed->next) out["next_cursor"] = std::to_string(*listed->next);
    return JsonResponse(200, out);
  });

  router.Add("GET", "/api/v1/incidents/{id}", Role::kViewer,
             [&alerting](const ApiRequest& request) {
               if (Status known = CheckQueryParameters(request.query, {}); !known) {
                 return ErrorResponse(known.error());
               }
               auto incident = alerting.incidents().Get(request.path.at("id"));
               if (!incident) return ErrorResponse(incident.error());
               auto reports = alerting.store().fault_reports().ReportsOfIncident(incident->id);
               if (!reports) return ErrorResponse(reports.error());
               Json out = IncidentJson(*incident, /*with_timeline=*/true);
               out["fault_reports"] = *reports;
               return JsonResponse(200, out);
             });

  router.Add("POST", "/api/v1/incidents", Role::kAdmin, [&alerting](const ApiRequest& request) {
    auto body = ParseJsonBody(request.http);
    if (!body) return ErrorResponse(body.error());
    BodyReader reader(*body, {"customer", "severity", "summary", "labels", "agent", "at"});
    ManualIncident manual;
    manual.customer = reader.String("customer", true).value_or("");
    manual.severity = reader.String("severity", true).value_or("");
    manual.summary = reader.String("summary", true).value_or("");
    for (auto& [name, value] : reader.StringMap("labels")) manual.labels.emplace_back(name, value);
    manual.agent = reader.String("agent").value_or("");
    std::optional<std::int64_t> at = reader.Time("at");
    if (Status read = reader.status(); !read) return ErrorResponse(read.error());
    auto opened = alerting.incidents().OpenManual(manual, request.Actor(), at);
    if (!opened) return ErrorResponse(opened.error());
    return JsonResponse(201, IncidentJson(*opened, /*with_timeline=*/true));
  });

  router.Add(
      "POST", "/api/v1/incidents/{id}/ack", Role::kOperator,
      [&alerting](const ApiRequest& request) {
        return ApplyChange(
            request, "note", false,
            [&](const std::string& id, const std::string& note, std::optional<std::int64_t> at) {
              return alerting.incidents().Acknowledge(id, request.Actor(), note, at);
            });
      });

  router.Add("POST", "/api/v1/incidents/{id}/resolve", Role::kOperator,
             [&alerting](const ApiRequest& request) {
               return ApplyChange(request, "note", false,
                                  [&](const std::string& id, const std::string& note,
                                      std::optional<std::int64_t> at) {
                                    return alerting.ResolveIncident(id, request.Actor(), note, at);
                                  });
             });

  router.Add(
      "POST", "/api/v1/incidents/{id}/notes", Role::kOperator,
      [&alerting](const ApiRequest& request) {
        return ApplyChange(
            request, "text", true,
            [&](const std::string& id, const std::string& text, std::optional<std::int64_t> at) {
              return alerting.incidents().AddNote(id, request.Actor(), text, at);
            });
      });
}

}  // namespace vigil::collector
