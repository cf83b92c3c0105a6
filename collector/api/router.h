#pragma once
// The REST API's front door (docs/api.md): matches /api/v1 routes with their {parameters},
// authenticates, checks the role, bounds each token's request rate, turns errors into the
// contract's {"error": {"code", "message"}} with the right status, and counts every answer in
// vigil_api_requests_total{method,route,code}. Thread-safe once routes are added.

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "collector/api/auth.h"
#include "collector/http/http_server.h"
#include "common/clock.h"
#include "common/rate_limiter.h"

namespace prometheus {
class Registry;
template <typename T>
class Family;
class Counter;
}  // namespace prometheus

namespace vigil::collector {

struct ApiRequest {
  const HttpRequest& http;
  std::map<std::string, std::string> path;   // the route's {parameters}
  std::map<std::string, std::string> query;  // decoded
  Principal principal;
  // "user NAME": how the caller appears on timelines.
  std::string Actor() const { return "user " + principal.name; }
};

using ApiHandler = std::function<HttpResponse(const ApiRequest&)>;

HttpResponse JsonResponse(int status, const nlohmann::json& body);

class ApiRouter {
 public:
  ApiRouter(Authenticator& auth, prometheus::Registry& registry, const Clock& clock);

  // `pattern` like "/api/v1/incidents/{id}/ack"; a {name} segment matches one path segment.
  void Add(const std::string& method, const std::string& pattern, Role role, ApiHandler handler);
  // As Add, but a request without an Authorization header is let in as the viewer "anonymous"
  // whenever `anonymous_allowed()` says so at the time (a setting that a reload may change).
  void AddOpenable(const std::string& method, const std::string& pattern, ApiHandler handler,
                   std::function<bool()> anonymous_allowed);
  // Requests per second per token (or per address, before a token is known), with a burst.
  void SetRateLimit(double rate, double burst);

  HttpResponse Handle(const HttpRequest& request);

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Role role;
    ApiHandler handler;
    std::function<bool()> anonymous_allowed;  // null: a token is always needed
  };
  HttpResponse Dispatch(const HttpRequest& request, std::string& route_name);

  Authenticator& auth_;
  const Clock& clock_;
  prometheus::Family<prometheus::Counter>& requests_;
  std::vector<Route> routes_;
  std::mutex mutex_;
  std::unique_ptr<KeyedRateLimiter> rate_;  // guarded by mutex_
};

}  // namespace vigil::collector
