#include "collector/api/request.h"
#include "collector/api/routes.h"
#include "collector/sla/sla_engine.h"
#include "common/time_format.h"

namespace vigil::collector {
namespace {

using Json = nlohmann::json;

std::int64_t Ms(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
Json Time(const std::optional<TimePoint>& t) {
  return t ? Json(FormatRfc3339(Ms(*t))) : Json(nullptr);
}
Json Met(const std::optional<bool>& met) { return met ? Json(*met) : Json(nullptr); }

Json OpenItem(const std::string& type, const std::string& id, const std::string& customer,
              const std::string& kind, const std::string& severity, const ItemSla& sla) {
  const SlaFigures& f = sla.figures;
  return {{"type", type},
          {"id", id},
          {"customer", customer},
          {"kind", kind},
          {"severity", severity},
          {"response_due", Time(f.response_due)},
          {"resolution_due", Time(f.resolution_due)},
          {"response_met", Met(f.response_met)},
          {"resolution_met", Met(f.resolution_met)},
          {"response_used", f.response_used},
          {"resolution_used", f.resolution_used},
          {"paused", f.paused_now}};
}

// The policies, and the dues of every open item a target covers, soonest resolution first.
Result<Json> Overview(const SlaEngine& sla, Store& store, TimePoint now) {
  Json items = Json::array();
  auto incidents = store.OpenIncidents();
  if (!incidents) return incidents.error();
  for (const IncidentRecord& incident : *incidents) {
    std::shared_ptr<const SlaSetup> keep;
    if (auto figures = sla.ForIncident(incident, now, keep)) {
      items.push_back(OpenItem("incident", incident.id, incident.customer, "incident",
                               incident.severity, *figures));
    }
  }
  auto reports = store.OpenFaultReports();
  if (!reports) return reports.error();
  for (const FaultReportRecord& report : *reports) {
    std::shared_ptr<const SlaSetup> keep;
    if (auto figures = sla.ForReport(report, now, keep)) {
      items.push_back(OpenItem("fault_report", report.id, report.customer, report.kind,
                               report.severity, *figures));
    }
  }
  std::stable_sort(items.begin(), items.end(), [](const Json& a, const Json& b) {
    // Held (paused) items have no due and go last.
    const Json& da = a["resolution_due"];
    const Json& db = b["resolution_due"];
    if (da.is_null() != db.is_null()) return db.is_null();
    return !da.is_null() && da.get<std::string>() < db.get<std::string>();
  });
  return Json{{"policies", sla.Policies()}, {"open_items", std::move(items)}};
}

}  // namespace

void AddSlaRoutes(ApiRouter& router, const SlaEngine& sla, Store& store, const Clock& clock) {
  router.Add("GET", "/api/v1/sla", Role::kViewer,
             [&sla, &store, &clock](const ApiRequest& request) {
               if (Status known = CheckQueryParameters(request.query, {}); !known) {
                 return ErrorResponse(known.error());
               }
               auto overview = Overview(sla, store, clock.Now());
               if (!overview) return ErrorResponse(overview.error());
               return JsonResponse(200, *overview);
             });

  router.Add("GET", "/api/v1/sla/report", Role::kViewer, [&sla](const ApiRequest& request) {
    if (Status known = CheckQueryParameters(request.query, {"customer", "from", "to", "format"});
        !known) {
      return ErrorResponse(known.error());
    }
    auto customer = request.query.find("customer");
    if (customer == request.query.end() || customer->second.empty()) {
      return ErrorResponse(MakeError("bad_request", "customer: required"));
    }
    auto from = QueryTime(request.query, "from");
    if (!from) return ErrorResponse(from.error());
    auto to = QueryTime(request.query, "to");
    if (!to) return ErrorResponse(to.error());
    if (!*from || !*to) {
      return ErrorResponse(MakeError("bad_request", std::string(*from ? "to" : "from") +
                                                        ": required (RFC 3339)"));
    }
    std::string format = "json";
    if (auto it = request.query.find("format"); it != request.query.end()) format = it->second;
    if (format != "json" && format != "csv") {
      return ErrorResponse(MakeError("bad_request", "format: expected json or csv"));
    }
    auto report = sla.Report(customer->second, **from, **to);
    if (!report) return ErrorResponse(report.error());
    if (format == "csv") {
      return HttpResponse{200, "text/csv; charset=utf-8", SlaEngine::ReportCsv(*report)};
    }
    return JsonResponse(200, *report);
  });
}

}  // namespace vigil::collector
