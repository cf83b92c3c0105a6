#include "collector/api/request.h"
#include "collector/api/routes.h"
#include "collector/service/alerting_service.h"
#include "collector/views/views.h"
#include "common/time_format.h"

namespace vigil::collector {
namespace {

using Json = nlohmann::json;

Json NotificationJson(const alerting::OutboxEntry& entry, bool with_body) {
  Json out = {
      {"id", entry.id},
      {"incident_id", entry.incident_id},
      {"receiver", entry.receiver},
      {"event", entry.event},
      {"state", alerting::OutboxStateName(entry.state)},
      {"attempts", entry.attempts},
      {"created_at", FormatRfc3339(entry.created_ms)},
      {"next_attempt_at", entry.state == alerting::OutboxState::kPending
                              ? Json(FormatRfc3339(entry.next_attempt_ms))
                              : Json()},
      {"finished_at", entry.finished_ms != 0 ? Json(FormatRfc3339(entry.finished_ms)) : Json()},
      {"last_status", entry.last_status != 0 ? Json(entry.last_status) : Json()},
      {"last_error", entry.last_error.empty() ? Json() : Json(entry.last_error)}};
  if (with_body) out["body"] = Json::parse(entry.body, nullptr, /*allow_exceptions=*/false);
  return out;
}

}  // namespace

void AddNotificationRoutes(ApiRouter& router, AlertingService& alerting) {
  router.Add("GET", "/api/v1/notifications", Role::kViewer, [&alerting](const ApiRequest& request) {
    if (Status known = CheckQueryParameters(request.query, {"state", "incident", "receiver"});
        !known) {
      return ErrorResponse(known.error());
    }
    auto page = ReadPageRequest(request.query);
    if (!page) return ErrorResponse(page.error());
    const auto text = [&](const char* name) { return QueryText(request.query, name).value_or(""); };
    std::optional<alerting::OutboxState> state;
    if (const std::string name = text("state"); !name.empty()) {
      state = alerting::ParseOutboxState(name);
      if (!state) {
        return ErrorResponse(
            MakeError(ErrorCode::kBadRequest, "state: expected pending, delivered or dead"));
      }
    }
    auto listed = alerting.store().outbox().ListNotifications(
        state, text("incident"), text("receiver"), page->cursor, page->limit);
    if (!listed) return ErrorResponse(listed.error());
    Json out = {{"items", Json::array()}, {"next_cursor", nullptr}};
    for (const alerting::OutboxEntry& entry : listed->items) {
      out["items"].push_back(NotificationJson(entry, /*with_body=*/false));
    }
    if (listed->next) out["next_cursor"] = std::to_string(*listed->next);
    return JsonResponse(200, out);
  });

  router.Add(
      "GET", "/api/v1/notifications/{id}", Role::kViewer, [&alerting](const ApiRequest& request) {
        auto found = alerting.store().outbox().GetNotification(request.path.at("id"));
        if (!found) return ErrorResponse(found.error());
        if (!found->has_value()) {
          return ErrorResponse(
              MakeError(ErrorCode::kNotFound, "no notification with id " + request.path.at("id")));
        }
        return JsonResponse(200, NotificationJson(**found, /*with_body=*/true));
      });

  router.Add("POST", "/api/v1/notifications/{id}/retry", Role::kOperator,
             [&alerting](const ApiRequest& request) {
               auto body = ParseJsonBody(request.http);
               if (!body) return ErrorResponse(body.error());
               BodyReader reader(*body, {});
               if (Status read = reader.status(); !read) return ErrorResponse(read.error());
               auto retried = alerting.notifier().Retry(request.path.at("id"), request.Actor());
               if (!retried) return ErrorResponse(retried.error());
               return JsonResponse(200, NotificationJson(*retried, /*with_body=*/false));
             });
}

}  // namespace vigil::collector
