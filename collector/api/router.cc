#include "collector/api/router.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>

#include <nlohmann/json.hpp>

#include "collector/api/request.h"
#include "common/log.h"

namespace vigil::collector {
namespace {

std::vector<std::string> Split(std::string_view path) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t slash = path.find('/', start);
    const std::size_t end = slash == std::string_view::npos ? path.size() : slash;
    out.emplace_back(path.substr(start, end - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

constexpr std::size_t kMaxRateLimitedKeys = 100000;

}  // namespace

HttpResponse JsonResponse(int status, const nlohmann::json& body) {
  return {status, "application/json", body.dump() + "\n"};
}

ApiRouter::ApiRouter(Authenticator& auth, prometheus::Registry& registry, const Clock& clock)
    : auth_(auth),
      clock_(clock),
      requests_(prometheus::BuildCounter()
                    .Name("vigil_api_requests_total")
                    .Help("API requests answered, by method, route and status code.")
                    .Register(registry)),
      rate_(std::make_unique<KeyedRateLimiter>(50, 200, kMaxRateLimitedKeys)) {}

void ApiRouter::Add(const std::string& method, const std::string& pattern, Role role,
                    ApiHandler handler) {
  routes_.push_back({method, pattern, Split(pattern), role, std::move(handler), nullptr});
}

void ApiRouter::AddOpenable(const std::string& method, const std::string& pattern,
                            ApiHandler handler, std::function<bool()> anonymous_allowed) {
  routes_.push_back({method, pattern, Split(pattern), Role::kViewer, std::move(handler),
                     std::move(anonymous_allowed)});
}

void ApiRouter::SetRateLimit(double rate, double burst) {
  std::lock_guard lock(mutex_);
  rate_ = std::make_unique<KeyedRateLimiter>(rate, burst, kMaxRateLimitedKeys);
}

HttpResponse ApiRouter::Handle(const HttpRequest& request) {
  std::string route_name = "unmatched";
  HttpResponse response = Dispatch(request, route_name);
  requests_
      .Add({{"method", request.method},
            {"route", route_name},
            {"code", std::to_string(response.status)}})
      .Increment();
  return response;
}

HttpResponse ApiRouter::Dispatch(const HttpRequest& request, std::string& route_name) {
  const std::vector<std::string> segments = Split(request.path);
  const Route* matched = nullptr;
  std::map<std::string, std::string> params;
  bool path_known = false;
  for (const Route& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    std::map<std::string, std::string> candidate;
    bool same = true;
    for (std::size_t i = 0; i < segments.size() && same; ++i) {
      const std::string& part = route.segments[i];
      if (part.size() > 2 && part.front() == '{' && part.back() == '}') {
        if (segments[i].empty()) same = false;
        candidate[part.substr(1, part.size() - 2)] = segments[i];
      } else {
        same = part == segments[i];
      }
    }
    if (!same) continue;
    path_known = true;
    const bool method_fits =
        route.method == request.method || (route.method == "GET" && request.method == "HEAD");
    if (method_fits) {
      matched = &route;
      params = std::move(candidate);
      break;
    }
  }
  if (matched == nullptr) {
    if (path_known) {
      return ErrorResponse(MakeError(ErrorCode::kMethodNotAllowed,
                                     request.method + " is not allowed on " + request.path));
    }
    return ErrorResponse(MakeError(ErrorCode::kNotFound, "no such endpoint: " + request.path));
  }
  route_name = matched->pattern;

  Result<Principal> principal = auth_.Authenticate(request);
  if (!principal && matched->anonymous_allowed && request.headers.count("authorization") == 0 &&
      matched->anonymous_allowed()) {
    principal = Principal{"anonymous", Role::kViewer, ""};
  }
  {
    // Failed attempts count against the caller's address, so guessing is bounded too.
    const std::string key = principal && !principal->token_id.empty()
                                ? "token:" + principal->token_id
                                : "address:" + request.remote_address;
    std::lock_guard lock(mutex_);
    if (!rate_->Take(key, clock_.Monotonic())) {
      return ErrorResponse(
          MakeError(ErrorCode::kTooManyRequests,
                    "too many requests; slow down (limits.api_requests_per_second)"));
    }
  }
  if (!principal) return ErrorResponse(principal.error());
  if (principal->role < matched->role) {
    return ErrorResponse(
        MakeError(ErrorCode::kForbidden, "this needs the " + std::string(RoleName(matched->role)) +
                                             " role; token " + principal->name + " has " +
                                             std::string(RoleName(principal->role))));
  }
  auto query = ParseQuery(request.target);
  if (!query) return ErrorResponse(query.error());
  ApiRequest api{request, std::move(params), std::move(*query), std::move(*principal)};
  try {
    return matched->handler(api);
  } catch (const std::exception& e) {
    // Handlers report through Result; an exception here is a bug, answered without details.
    return ErrorResponse(
        MakeError(ErrorCode::kInternal, "handler of " + route_name + " threw: " + e.what()));
  }
}

}  // namespace vigil::collector
