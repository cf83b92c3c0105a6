#include "collector/ingest/metrics_endpoints.h"

#include "collector/http/query.h"
#include "collector/ingest/metrics_text.h"
#include "common/exposition.h"

namespace vigil::collector {
namespace {

constexpr std::string_view kAgentsPrefix = "/metrics/agents/";

std::int64_t Millis(Duration duration) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(duration).count();
}

HttpResponse TextError(int status, const std::string& message) {
  return {status, "text/plain; charset=utf-8", message + "\n", nullptr};
}

}  // namespace

MetricsEndpoints::MetricsEndpoints(const LiveState& live, FamilySource own_families,
                                   const Clock& clock, std::function<Duration()> down_after)
    : live_(live),
      own_families_(std::move(own_families)),
      clock_(clock),
      down_after_(std::move(down_after)) {}

std::optional<HttpResponse> MetricsEndpoints::Handle(const HttpRequest& request) const {
  if (request.path == "/metrics") return Aggregate(request);
  if (request.path == "/metrics/collector") {
    std::vector<prometheus::MetricFamily> own = own_families_();
    for (prometheus::MetricFamily& family : live_.Collect()) own.push_back(std::move(family));
    HttpResponse response{200, kExpositionContentType, RenderText(own), nullptr};
    response.more_body = [](std::string&) { return false; };  // streamed, so that gzip applies
    return response;
  }
  if (request.path.rfind(kAgentsPrefix, 0) != 0) return std::nullopt;
  const std::string rest = request.path.substr(kAgentsPrefix.size());
  const std::size_t slash = rest.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == rest.size() ||
      rest.find('/', slash + 1) != std::string::npos) {
    return TextError(404, "expected /metrics/agents/CUSTOMER/AGENT, got " + request.path);
  }
  return OneAgent(rest.substr(0, slash), rest.substr(slash + 1));
}

HttpResponse MetricsEndpoints::Aggregate(const HttpRequest& request) const {
  auto query = ParseQuery(request.target);
  if (!query) return TextError(400, query.error().message);
  if (Status known = CheckQueryParameters(*query, {"customer"}); !known) {
    return TextError(400, known.error().message);
  }
  const auto customer = query->find("customer");
  FleetQuery fleet;
  fleet.now_ms = ToUnixMillis(clock_.Now());
  fleet.stale_after_ms = Millis(down_after_());
  std::vector<prometheus::MetricFamily> head;
  if (customer == query->end()) {
    head = own_families_();
    for (prometheus::MetricFamily& family : live_.Collect()) head.push_back(std::move(family));
  } else {
    fleet.customer = customer->second;
    head = live_.CollectFor(fleet.customer);
  }
  HttpResponse response{200, kExpositionContentType, RenderText(head), nullptr};
  response.more_body = live_.FleetPieces(std::move(fleet));
  return response;
}

HttpResponse MetricsEndpoints::OneAgent(const std::string& customer,
                                        const std::string& agent) const {
  AgentExposition exposition =
      live_.RenderAgent({customer, agent}, ToUnixMillis(clock_.Now()), Millis(down_after_()));
  switch (exposition.state) {
    case AgentExposition::State::kUnknown:
      return TextError(404, "no agent " + agent + " of customer " + customer);
    case AgentExposition::State::kDown:
      return TextError(503, "agent " + agent + " of customer " + customer +
                                " is disconnected or silent: its last values are not served");
    case AgentExposition::State::kUp: break;
  }
  HttpResponse response{200, kExpositionContentType, std::move(exposition.text), nullptr};
  response.more_body = [](std::string&) { return false; };  // streamed, so that gzip applies
  return response;
}

}  // namespace vigil::collector
