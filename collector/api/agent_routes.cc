#include <algorithm>

#include "collector/api/request.h"
#include "collector/api/routes.h"
#include "collector/ingest/live_state.h"
#include "collector/store/store.h"
#include "collector/views/views.h"
#include "common/time_format.h"

namespace vigil::collector {
namespace {

using Json = nlohmann::json;

Json AgentJson(const AgentRecord& agent, const LiveAgent& live) {
  Json labels = Json::object();
  for (const auto& [name, value] : agent.labels) labels[name] = value;
  return {
      {"customer", agent.customer},
      {"id", agent.agent_id},
      {"hostname", agent.hostname},
      {"version", agent.version},
      {"labels", std::move(labels)},
      {"connected", live.connected},
      {"last_seen", FormatRfc3339(agent.last_seen_ms)},
      {"last_sequence", agent.last_sequence},
      {"batches_applied", agent.batches_applied},
      {"series", live.series},
      {"stopped_at", agent.goodbye_ms ? Json(FormatRfc3339(*agent.goodbye_ms)) : Json(nullptr)}};
}

HttpResponse ListAgents(Store& store, LiveState& live, const ApiRequest& request) {
  if (Status known = CheckQueryParameters(request.query, {"customer", "connected"}); !known) {
    return ErrorResponse(known.error());
  }
  auto page = ReadPageRequest(request.query);
  if (!page) return ErrorResponse(page.error());
  auto customer = request.query.find("customer");
  auto connected = request.query.find("connected");
  if (connected != request.query.end() && connected->second != "true" &&
      connected->second != "false") {
    return ErrorResponse(MakeError(ErrorCode::kBadRequest, "connected: expected true or false"));
  }
  auto agents = store.agents().ListAgents();
  if (!agents) return ErrorResponse(agents.error());
  const std::map<AgentKey, LiveAgent> now = live.Agents();
  std::vector<Json> items;
  for (const AgentRecord& agent : *agents) {
    if (customer != request.query.end() && agent.customer != customer->second) continue;
    auto found = now.find(AgentKey{agent.customer, agent.agent_id});
    const LiveAgent state = found == now.end() ? LiveAgent{} : found->second;
    if (connected != request.query.end() && state.connected != (connected->second == "true")) {
      continue;
    }
    items.push_back(AgentJson(agent, state));
  }
  return JsonResponse(200, PageOf(std::move(items), *page));
}

HttpResponse ShowAgent(Store& store, LiveState& live, const ApiRequest& request) {
  auto agents = store.agents().ListAgents();
  if (!agents) return ErrorResponse(agents.error());
  const AgentKey key{request.path.at("customer"), request.path.at("agent")};
  for (const AgentRecord& agent : *agents) {
    if (agent.customer != key.customer || agent.agent_id != key.agent_id) continue;
    const auto now = live.Agents();
    auto found = now.find(key);
    return JsonResponse(200, AgentJson(agent, found == now.end() ? LiveAgent{} : found->second));
  }
  return ErrorResponse(
      MakeError(ErrorCode::kNotFound, "no agent " + key.agent_id + " of customer " + key.customer));
}

Json FindingJson(const SecurityFindingRecord& f) {
  return {{"check", f.check},
          {"key", f.key},
          {"severity", f.severity},
          {"title", f.title},
          {"evidence", f.evidence},
          {"remediation", f.remediation},
          {"first_seen", FormatRfc3339(f.first_seen_ms)},
          {"last_seen", FormatRfc3339(f.last_seen_ms)}};
}

HttpResponse ListFindings(Store& store, const ApiRequest& request) {
  if (Status known = CheckQueryParameters(request.query, {"check", "severity"}); !known) {
    return ErrorResponse(known.error());
  }
  auto page = ReadPageRequest(request.query);
  if (!page) return ErrorResponse(page.error());
  const std::string customer = request.path.at("customer");
  const std::string agent = request.path.at("agent");
  auto agents = store.agents().ListAgents();
  if (!agents) return ErrorResponse(agents.error());
  const bool known_agent = std::any_of(agents->begin(), agents->end(), [&](const AgentRecord& a) {
    return a.customer == customer && a.agent_id == agent;
  });
  if (!known_agent) {
    return ErrorResponse(
        MakeError(ErrorCode::kNotFound, "no agent " + agent + " of customer " + customer));
  }
  auto findings = store.findings().SecurityFindingsOf(customer, agent);
  if (!findings) return ErrorResponse(findings.error());
  const auto check = request.query.find("check");
  const auto severity = request.query.find("severity");
  std::vector<Json> items;
  for (const SecurityFindingRecord& f : *findings) {
    if (check != request.query.end() && f.check != check->second) continue;
    if (severity != request.query.end() && f.severity != severity->second) continue;
    items.push_back(FindingJson(f));
  }
  return JsonResponse(200, PageOf(std::move(items), *page));
}

}  // namespace

void AddAgentRoutes(ApiRouter& router, Store& store, LiveState& live) {
  router.Add("GET", "/api/v1/agents", Role::kViewer, [&store, &live](const ApiRequest& request) {
    return ListAgents(store, live, request);
  });
  router.Add(
      "GET", "/api/v1/agents/{customer}/{agent}", Role::kViewer,
      [&store, &live](const ApiRequest& request) { return ShowAgent(store, live, request); });
  router.Add("GET", "/api/v1/agents/{customer}/{agent}/findings", Role::kViewer,
             [&store](const ApiRequest& request) { return ListFindings(store, request); });
}

}  // namespace vigil::collector
