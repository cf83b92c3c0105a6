// GET /api/v1/prometheus/targets: Prometheus's http_sd_config format, one target group per agent
// the collector knows, so that each agent is a target of its own (docs/api.md).

#include <nlohmann/json.hpp>

#include "collector/api/routes.h"
#include "collector/ingest/live_state.h"

namespace vigil::collector {

void AddPrometheusRoutes(ApiRouter& router, const LiveState& live, DiscoverySettings settings) {
  auto anonymous = settings.anonymous;
  router.AddOpenable(
      "GET", "/api/v1/prometheus/targets",
      [&live, settings = std::move(settings)](const ApiRequest& request) {
        // Prometheus scrapes the collector where it reached it for discovery.
        auto host = request.http.headers.find("host");
        const std::string address = host != request.http.headers.end() && !host->second.empty()
                                        ? host->second
                                        : settings.listen_address;
        nlohmann::json groups = nlohmann::json::array();
        for (const AgentTarget& target : live.Targets()) {
          nlohmann::json labels = nlohmann::json::object();
          // The agent's own labels first, so that Vigil's (and instance, job) cannot be replaced.
          for (const auto& [name, value] : target.labels) {
            if (name != "job") labels[name] = value;  // the scrape config names the job
          }
          labels["agent"] = target.key.agent_id;
          labels["customer"] = target.key.customer;
          labels["instance"] = target.key.agent_id;
          labels["__metrics_path__"] =
              "/metrics/agents/" + target.key.customer + "/" + target.key.agent_id;
          if (settings.https()) labels["__scheme__"] = "https";
          groups.push_back({{"targets", {address}}, {"labels", std::move(labels)}});
        }
        return JsonResponse(200, groups);
      },
      std::move(anonymous));
}

}  // namespace vigil::collector
