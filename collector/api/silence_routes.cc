#include "collector/api/request.h"
#include "collector/api/routes.h"
#include "collector/service/alerting_service.h"
#include "collector/views/views.h"

namespace vigil::collector {
namespace {

using Json = nlohmann::json;

Result<std::vector<SilenceMatcher>> ReadMatchers(const Json* matchers) {
  if (matchers == nullptr || !matchers->is_array()) {
    return MakeError(ErrorCode::kBadRequest,
                     "matchers: required, a list of {\"name\", \"op\", \"value\"} objects");
  }
  std::vector<SilenceMatcher> out;
  for (std::size_t i = 0; i < matchers->size(); ++i) {
    const Json& m = (*matchers)[i];
    const std::string where = "matchers[" + std::to_string(i) + "]";
    if (!m.is_object()) return MakeError(ErrorCode::kBadRequest, where + ": expected an object");
    BodyReader reader(m, {"name", "op", "value"});
    SilenceMatcher matcher;
    matcher.name = reader.String("name", true).value_or("");
    matcher.op = reader.String("op").value_or("=");
    matcher.value = reader.String("value", true).value_or("");
    if (Status read = reader.status(); !read) {
      return MakeError(ErrorCode::kBadRequest, where + "." + read.error().message);
    }
    out.push_back(std::move(matcher));
  }
  return out;
}

}  // namespace

void AddSilenceRoutes(ApiRouter& router, AlertingService& alerting, const Clock& clock) {
  router.Add("GET", "/api/v1/silences", Role::kViewer, [&](const ApiRequest& request) {
    if (Status known = CheckQueryParameters(request.query, {"state"}); !known) {
      return ErrorResponse(known.error());
    }
    auto page = ReadPageRequest(request.query);
    if (!page) return ErrorResponse(page.error());
    auto state = request.query.find("state");
    if (state != request.query.end() && state->second != "pending" && state->second != "active" &&
        state->second != "expired") {
      return ErrorResponse(
          MakeError(ErrorCode::kBadRequest, "state: expected pending, active or expired"));
    }
    std::vector<Json> items;
    for (const SilenceState& silence : alerting.silences().List(ToUnixMillis(clock.Now()))) {
      if (state != request.query.end() && silence.state != state->second) continue;
      items.push_back(SilenceJson(silence));
    }
    return JsonResponse(200, PageOf(std::move(items), *page));
  });

  router.Add("GET", "/api/v1/silences/{id}", Role::kViewer, [&](const ApiRequest& request) {
    auto silence = alerting.silences().Get(request.path.at("id"), ToUnixMillis(clock.Now()));
    if (!silence) {
      return ErrorResponse(
          MakeError(ErrorCode::kNotFound, "no silence with id " + request.path.at("id")));
    }
    return JsonResponse(200, SilenceJson(*silence));
  });

  router.Add("POST", "/api/v1/silences", Role::kOperator, [&](const ApiRequest& request) {
    auto body = ParseJsonBody(request.http);
    if (!body) return ErrorResponse(body.error());
    BodyReader reader(*body, {"matchers", "starts_at", "ends_at", "duration", "comment"});
    const std::int64_t now = ToUnixMillis(clock.Now());
    SilenceRecord silence;
    silence.starts_ms = reader.Time("starts_at").value_or(now);
    std::optional<std::int64_t> ends = reader.Time("ends_at");
    std::optional<std::int64_t> seconds = reader.Integer("duration", 1, kMaxSilenceMillis / 1000);
    silence.comment = reader.String("comment", true).value_or("");
    if (Status read = reader.status(); !read) return ErrorResponse(read.error());
    if (ends.has_value() == seconds.has_value()) {
      return ErrorResponse(MakeError(
          ErrorCode::kBadRequest, "give exactly one of ends_at (a time) and duration (seconds)"));
    }
    if (silence.comment.empty()) {
      return ErrorResponse(
          MakeError(ErrorCode::kBadRequest, "comment: say why, for whoever sees it next"));
    }
    silence.ends_ms = ends.value_or(silence.starts_ms + seconds.value_or(0) * 1000);
    auto matchers = ReadMatchers(reader.Raw("matchers"));
    if (!matchers) return ErrorResponse(matchers.error());
    silence.matchers = std::move(*matchers);
    silence.created_by = request.principal.name;
    auto created = alerting.silences().Create(std::move(silence), now);
    if (!created) return ErrorResponse(created.error());
    if (Status applied = alerting.SilencesChanged(); !applied) {
      return ErrorResponse(applied.error());
    }
    return JsonResponse(201, SilenceJson(*alerting.silences().Get(created->id, now)));
  });

  router.Add("DELETE", "/api/v1/silences/{id}", Role::kOperator, [&](const ApiRequest& request) {
    const std::int64_t now = ToUnixMillis(clock.Now());
    auto expired = alerting.silences().Expire(request.path.at("id"), now);
    if (!expired) return ErrorResponse(expired.error());
    if (Status applied = alerting.SilencesChanged(); !applied) {
      return ErrorResponse(applied.error());
    }
    return JsonResponse(200, SilenceJson(*alerting.silences().Get(expired->id, now)));
  });
}

}  // namespace vigil::collector
