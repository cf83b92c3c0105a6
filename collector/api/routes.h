#pragma once
// The API's endpoints, one function per resource (docs/api.md has each with an example).

#include <functional>
#include <string>

#include "collector/api/router.h"
#include "common/clock.h"

namespace vigil::collector {

class AlertingService;
class FaultReportBook;
class LiveState;
class SlaEngine;
class Store;
class TokenStore;
class FaultReportStore;

void AddAgentRoutes(ApiRouter& router, Store& store, LiveState& live);
void AddIncidentRoutes(ApiRouter& router, AlertingService& alerting);
void AddNotificationRoutes(ApiRouter& router, AlertingService& alerting);
void AddSilenceRoutes(ApiRouter& router, AlertingService& alerting, const Clock& clock);
void AddRuleRoutes(ApiRouter& router, AlertingService& alerting);
void AddFaultReportRoutes(ApiRouter& router, FaultReportBook& book, const SlaEngine& sla,
                          FaultReportStore& store);
void AddSlaRoutes(ApiRouter& router, const SlaEngine& sla, const Clock& clock);
void AddTokenRoutes(ApiRouter& router, TokenStore& store, const Clock& clock);

// Prometheus's HTTP service discovery (GET /api/v1/prometheus/targets).
struct DiscoverySettings {
  std::function<bool()> anonymous;  // api.sd_anonymous, read per request
  std::function<bool()> https;      // listen.http_tls is on: targets are scraped over HTTPS
  std::string listen_address;       // listen.http: the target address when a request has no Host
};
void AddPrometheusRoutes(ApiRouter& router, const LiveState& live, DiscoverySettings settings);

}  // namespace vigil::collector
