#pragma once
// What each receiver type is sent (docs/webhooks.md): Vigil's webhook JSON, Alertmanager's webhook
// body (version 4), a Slack incoming-webhook message, a PagerDuty Events API v2 event, or an
// alert for a real Alertmanager's /api/v2/alerts. Bodies are rendered when a notification is
// queued, from the incident as it was then, and kept unchanged across retries; secrets
// (PagerDuty's routing key) are added only when sending, so the outbox never holds them.

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "alerting/notification_plan.h"
#include "alerting/notify_config.h"

namespace vigil::alerting {

inline constexpr const char* kPagerDutyEventsUrl = "https://events.pagerduty.com/v2/enqueue";

// Whether this receiver type is told of this event at all (an Alertmanager has no notion of an
// acknowledgement, for instance).
bool Wants(const Receiver& receiver, NotifyEvent event);

// `incident` is the API's incident object (../shared/API.md); `external_url` prefixes links.
std::string RenderPayload(const Receiver& receiver, NotifyEvent event,
                          const nlohmann::json& incident, const std::string& external_url,
                          std::int64_t now_ms);

// The body as sent (with the routing key for PagerDuty).
std::string FinalizeBody(const Receiver& receiver, const std::string& body);

// Where it is POSTed.
std::string TargetUrl(const Receiver& receiver);

}  // namespace vigil::alerting
