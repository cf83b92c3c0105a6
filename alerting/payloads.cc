#include "alerting/payloads.h"

#include <nlohmann/json.hpp>

#include "common/time_format.h"

namespace vigil::alerting {
namespace {

using Json = nlohmann::json;

// How long an alert posted to an Alertmanager stays firing without news: reminders refresh it,
// a resolve ends it; if the collector vanishes, it lapses after this.
constexpr std::int64_t kAlertmanagerHoldMs = 7LL * 24 * 3600 * 1000;

std::string Text(const Json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string IncidentLink(const Json& incident, const std::string& external_url) {
  if (external_url.empty()) return {};
  std::string base = external_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/api/v1/incidents/" + Text(incident, "id");
}

// The incident's labels as an Alertmanager alert carries them: with alertname and severity.
Json AlertLabels(const Json& incident) {
  Json labels = incident.value("labels", Json::object());
  const std::string rule = Text(incident, "rule");
  labels["alertname"] = rule.empty() ? "manual" : rule;
  labels["severity"] = Text(incident, "severity");
  return labels;
}

Json AlertAnnotations(const Json& incident) {
  Json annotations = incident.value("annotations", Json::object());
  if (!annotations.contains("summary")) annotations["summary"] = Text(incident, "summary");
  return annotations;
}

Json VigilWebhook(NotifyEvent event, const Receiver& receiver, const Json& incident,
                  const std::string& external_url) {
  Json links = Json::object();
  if (const std::string link = IncidentLink(incident, external_url); !link.empty()) {
    links["incident"] = link;
  }
  return {{"version", "1"},
          {"event", NotifyEventName(event)},
          {"receiver", receiver.name},
          {"incident", incident},
          {"links", links}};
}

Json AlertmanagerWebhook(NotifyEvent event, const Receiver& receiver, const Json& incident,
                         const std::string& external_url) {
  const bool resolved = event == NotifyEvent::kResolved;
  const std::string ends = resolved ? Text(incident, "resolved_at") : "0001-01-01T00:00:00Z";
  Json alert = {{"status", resolved ? "resolved" : "firing"},
                {"labels", AlertLabels(incident)},
                {"annotations", AlertAnnotations(incident)},
                {"startsAt", Text(incident, "started_at")},
                {"endsAt", ends},
                {"generatorURL", IncidentLink(incident, external_url)},
                {"fingerprint", Text(incident, "fingerprint")}};
  return {{"version", "4"},
          {"groupKey", "{}:{incident=\"" + Text(incident, "id") + "\"}"},
          {"truncatedAlerts", 0},
          {"status", resolved ? "resolved" : "firing"},
          {"receiver", receiver.name},
          {"groupLabels", {{"incident", Text(incident, "id")}}},
          {"commonLabels", alert["labels"]},
          {"commonAnnotations", alert["annotations"]},
          {"externalURL", external_url},
          {"alerts", Json::array({alert})}};
}

std::string EventWords(NotifyEvent event) {
  switch (event) {
    case NotifyEvent::kFired: return "FIRING";
    case NotifyEvent::kReopened: return "FIRING AGAIN";
    case NotifyEvent::kAcknowledged: return "ACKNOWLEDGED";
    case NotifyEvent::kResolved: return "RESOLVED";
    case NotifyEvent::kEscalated: return "ESCALATED";
    case NotifyEvent::kReminder: return "STILL FIRING";
    case NotifyEvent::kSlaAtRisk: return "SLA AT RISK";
    case NotifyEvent::kSlaBreached: return "SLA BREACHED";
  }
  return "";
}

Json Slack(NotifyEvent event, const Json& incident, const std::string& external_url) {
  const std::string severity = Text(incident, "severity");
  const std::string headline =
      "[" + EventWords(event) + "] " + severity + ": " + Text(incident, "summary");
  std::string where = "customer *" + Text(incident, "customer") + "*";
  if (const std::string agent = Text(incident, "agent"); !agent.empty()) {
    where += ", agent *" + agent + "*";
  }
  if (const std::string rule = Text(incident, "rule"); !rule.empty()) where += ", rule " + rule;
  std::string context =
      "Incident " + Text(incident, "id") + ", started " + Text(incident, "started_at");
  if (const std::string link = IncidentLink(incident, external_url); !link.empty()) {
    context += " · <" + link + "|details>";
  }
  if (event == NotifyEvent::kAcknowledged) {
    context += " · acknowledged by " + Text(incident, "acknowledged_by");
  }
  return {{"text", headline},
          {"blocks",
           Json::array({{{"type", "section"},
                         {"text", {{"type", "mrkdwn"}, {"text", "*" + headline + "*\n" + where}}}},
                        {{"type", "context"},
                         {"elements", Json::array({{{"type", "mrkdwn"}, {"text", context}}})}}})}};
}

std::string PagerDutySeverity(const std::string& severity) {
  if (severity == "critical") return "critical";
  if (severity == "high") return "error";
  if (severity == "medium") return "warning";
  return "info";
}

Json PagerDuty(NotifyEvent event, const Json& incident, const std::string& external_url) {
  const std::string action = event == NotifyEvent::kAcknowledged ? "acknowledge"
                             : event == NotifyEvent::kResolved   ? "resolve"
                                                                 : "trigger";
  Json body = {{"event_action", action}, {"dedup_key", Text(incident, "fingerprint")}};
  if (action != "trigger") return body;
  std::string source = Text(incident, "agent");
  if (source.empty()) source = Text(incident, "customer");
  body["payload"] = {{"summary", Text(incident, "summary").substr(0, 1024)},
                     {"source", source},
                     {"severity", PagerDutySeverity(Text(incident, "severity"))},
                     {"timestamp", Text(incident, "started_at")},
                     {"group", Text(incident, "customer")},
                     {"class", Text(incident, "rule")},
                     {"custom_details",
                      {{"incident", Text(incident, "id")},
                       {"labels", incident.value("labels", Json::object())},
                       {"annotations", incident.value("annotations", Json::object())}}}};
  if (const std::string link = IncidentLink(incident, external_url); !link.empty()) {
    body["links"] = Json::array({{{"href", link}, {"text", "Vigil incident"}}});
  }
  body["client"] = "Vigil";
  return body;
}

Json AlertmanagerAlerts(NotifyEvent event, const Json& incident, const std::string& external_url,
                        std::int64_t now_ms) {
  const std::string ends = event == NotifyEvent::kResolved
                               ? Text(incident, "resolved_at")
                               : FormatRfc3339(now_ms + kAlertmanagerHoldMs);
  return Json::array({{{"labels", AlertLabels(incident)},
                       {"annotations", AlertAnnotations(incident)},
                       {"startsAt", Text(incident, "started_at")},
                       {"endsAt", ends},
                       {"generatorURL", IncidentLink(incident, external_url)}}});
}

}  // namespace

bool Wants(const Receiver& receiver, NotifyEvent event) {
  if (receiver.type == Receiver::Type::kAlertmanager) return event != NotifyEvent::kAcknowledged;
  if (receiver.type == Receiver::Type::kWebhook && receiver.alertmanager_format) {
    return event != NotifyEvent::kAcknowledged;
  }
  return true;
}

std::string RenderPayload(const Receiver& receiver, NotifyEvent event, const Json& incident,
                          const std::string& external_url, std::int64_t now_ms) {
  switch (receiver.type) {
    case Receiver::Type::kWebhook:
      return (receiver.alertmanager_format
                  ? AlertmanagerWebhook(event, receiver, incident, external_url)
                  : VigilWebhook(event, receiver, incident, external_url))
          .dump();
    case Receiver::Type::kSlack: return Slack(event, incident, external_url).dump();
    case Receiver::Type::kPagerDuty: return PagerDuty(event, incident, external_url).dump();
    case Receiver::Type::kAlertmanager:
      return AlertmanagerAlerts(event, incident, external_url, now_ms).dump();
  }
  return "{}";
}

std::string FinalizeBody(const Receiver& receiver, const std::string& body) {
  if (receiver.type != Receiver::Type::kPagerDuty) return body;
  Json parsed = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) return body;
  parsed["routing_key"] = receiver.routing_key;
  return parsed.dump();
}

std::string TargetUrl(const Receiver& receiver) {
  if (receiver.type == Receiver::Type::kPagerDuty && receiver.url.empty()) {
    return kPagerDutyEventsUrl;
  }
  if (receiver.type == Receiver::Type::kAlertmanager) {
    std::string base = receiver.url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base + "/api/v2/alerts";
  }
  return receiver.url;
}

}  // namespace vigil::alerting
