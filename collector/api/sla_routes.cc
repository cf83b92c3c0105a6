#include "collector/api/request.h"
#include "collector/api/routes.h"
#include "collector/api/sla_json.h"
#include "collector/sla/sla_engine.h"

namespace vigil::collector {

void AddSlaRoutes(ApiRouter& router, const SlaEngine& sla, const Clock& clock) {
  router.Add("GET", "/api/v1/sla", Role::kViewer, [&sla, &clock](const ApiRequest& request) {
    if (Status known = CheckQueryParameters(request.query, {}); !known) {
      return ErrorResponse(known.error());
    }
    auto overview = sla.Overview(clock.Now());
    if (!overview) return ErrorResponse(overview.error());
    return JsonResponse(200, SlaOverviewJson(*overview));
  });

  router.Add("GET", "/api/v1/sla/report", Role::kViewer, [&sla](const ApiRequest& request) {
    if (Status known = CheckQueryParameters(request.query, {"customer", "from", "to", "format"});
        !known) {
      return ErrorResponse(known.error());
    }
    auto customer = request.query.find("customer");
    if (customer == request.query.end() || customer->second.empty()) {
      return ErrorResponse(MakeError(ErrorCode::kBadRequest, "customer: required"));
    }
    auto period = ReadQueryPeriod(request.query, "from", "to");
    if (!period) return ErrorResponse(period.error());
    if (!period->from_ms || !period->to_ms) {
      return ErrorResponse(
          MakeError(ErrorCode::kBadRequest,
                    std::string(period->from_ms ? "to" : "from") + ": required (RFC 3339)"));
    }
    std::string format = "json";
    if (auto it = request.query.find("format"); it != request.query.end()) format = it->second;
    if (format != "json" && format != "csv") {
      return ErrorResponse(MakeError(ErrorCode::kBadRequest, "format: expected json or csv"));
    }
    auto report = sla.Report(customer->second, *period->from_ms, *period->to_ms);
    if (!report) return ErrorResponse(report.error());
    if (format == "csv") {
      return HttpResponse{200, "text/csv; charset=utf-8", SlaReportCsv(*report)};
    }
    return JsonResponse(200, SlaReportJson(*report));
  });
}

}  // namespace vigil::collector
