#pragma once
// The scrape endpoints (docs/operations.md, "Prometheus"):
//   /metrics                             the collector's own families and every agent's series
//                                        (agent and customer labels added); ?customer=C selects
//                                        one customer's agents (and leaves the collector's own
//                                        families out). Agents disconnected for longer than
//                                        agent_down_after are left out.
//   /metrics/collector                   the collector's own families only (with per-agent
//                                        targets, the agents' series come from those)
//   /metrics/agents/{customer}/{agent}   one agent's series as it sent them: a target of its own
//                                        for Prometheus, 503 while the agent is down (so `up` is
//                                        0), 404 for an agent the collector has never known.
// Both are streamed, gzip-compressed when the scraper accepts it.

#include <prometheus/metric_family.h>
#include <functional>
#include <optional>
#include <vector>

#include "collector/http/http_server.h"
#include "collector/ingest/live_state.h"
#include "common/clock.h"
#include "common/units.h"

namespace vigil::collector {

class MetricsEndpoints {
 public:
  using FamilySource = std::function<std::vector<prometheus::MetricFamily>()>;

  // `own_families`: what the collector exports about itself (registry, alerting, SLA);
  // `down_after`: builtin_rules.agent_down_after, read per request (a reload changes it).
  MetricsEndpoints(const LiveState& live, FamilySource own_families, const Clock& clock,
                   std::function<Duration()> down_after);

  // The answer for a scrape path; nullopt for any other path.
  std::optional<HttpResponse> Handle(const HttpRequest& request) const;

 private:
  HttpResponse Aggregate(const HttpRequest& request) const;
  HttpResponse OneAgent(const std::string& customer, const std::string& agent) const;

  const LiveState& live_;
  FamilySource own_families_;
  const Clock& clock_;
  std::function<Duration()> down_after_;
};

}  // namespace vigil::collector
