#include "alerting/payloads.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace vigil::alerting {
namespace {

using Json = nlohmann::json;

const Json kIncident = {{"id", "inc-1"},
                        {"source", "rule"},
                        {"rule", "HighLoad"},
                        {"fingerprint", "fp123"},
                        {"state", "firing"},
                        {"severity", "high"},
                        {"customer", "acme"},
                        {"agent", "web-01"},
                        {"labels", {{"agent", "web-01"}, {"customer", "acme"}}},
                        {"annotations", {{"summary", "load 5 on web-01"}}},
                        {"summary", "load 5 on web-01"},
                        {"started_at", "2026-03-01T09:30:00Z"},
                        {"resolved_at", "2026-03-01T10:00:00Z"},
                        {"acknowledged_by", "user ann"}};

Receiver Make(Receiver::Type type) {
  Receiver receiver;
  receiver.name = "r";
  receiver.type = type;
  receiver.url = "http://127.0.0.1:9093/";
  receiver.routing_key = "R0UTINGKEY";
  return receiver;
}

Json Render(const Receiver& receiver, NotifyEvent event) {
  return Json::parse(RenderPayload(receiver, event, kIncident, "https://vigil.example.com/", 0));
}

TEST(Payloads, VigilWebhookCarriesTheIncidentTheEventAndALink) {
  const Json body = Render(Make(Receiver::Type::kWebhook), NotifyEvent::kEscalated);
  EXPECT_EQ(body["event"], "escalated");
  EXPECT_EQ(body["receiver"], "r");
  EXPECT_EQ(body["incident"], kIncident);
  EXPECT_EQ(body["links"]["incident"], "https://vigil.example.com/api/v1/incidents/inc-1");
}

TEST(Payloads, AlertmanagerWebhookIsVersion4WithOneAlert) {
  Receiver receiver = Make(Receiver::Type::kWebhook);
  receiver.alertmanager_format = true;
  const Json body = Render(receiver, NotifyEvent::kResolved);
  EXPECT_EQ(body["version"], "4");
  EXPECT_EQ(body["status"], "resolved");
  ASSERT_EQ(body["alerts"].size(), 1u);
  EXPECT_EQ(body["alerts"][0]["labels"]["alertname"], "HighLoad");
  EXPECT_EQ(body["alerts"][0]["labels"]["severity"], "high");
  EXPECT_EQ(body["alerts"][0]["endsAt"], "2026-03-01T10:00:00Z");
  EXPECT_EQ(body["commonAnnotations"]["summary"], "load 5 on web-01");
  EXPECT_FALSE(Wants(receiver, NotifyEvent::kAcknowledged));
}

TEST(Payloads, SlackHasTextAndBlocks) {
  const Json body = Render(Make(Receiver::Type::kSlack), NotifyEvent::kFired);
  EXPECT_EQ(body["text"], "[FIRING] high: load 5 on web-01");
  ASSERT_EQ(body["blocks"].size(), 2u);
  EXPECT_EQ(body["blocks"][0]["type"], "section");
  EXPECT_EQ(body["blocks"][0]["text"]["type"], "mrkdwn");
  EXPECT_EQ(body["blocks"][1]["type"], "context");
}

TEST(Payloads, PagerDutyEventsV2MapsActionsSeverityAndDedupKey) {
  const Receiver receiver = Make(Receiver::Type::kPagerDuty);
  const Json trigger = Render(receiver, NotifyEvent::kFired);
  EXPECT_EQ(trigger["event_action"], "trigger");
  EXPECT_EQ(trigger["dedup_key"], "fp123");
  EXPECT_EQ(trigger["payload"]["severity"], "error");
  EXPECT_EQ(trigger["payload"]["source"], "web-01");
  EXPECT_FALSE(trigger.contains("routing_key"));  // the stored body never holds the key
  EXPECT_EQ(Json::parse(FinalizeBody(receiver, trigger.dump()))["routing_key"], "R0UTINGKEY");
  EXPECT_EQ(Render(receiver, NotifyEvent::kAcknowledged)["event_action"], "acknowledge");
  EXPECT_EQ(Render(receiver, NotifyEvent::kResolved)["event_action"], "resolve");
  EXPECT_EQ(TargetUrl(receiver), "http://127.0.0.1:9093/");
  Receiver default_url = receiver;
  default_url.url.clear();
  EXPECT_EQ(TargetUrl(default_url), kPagerDutyEventsUrl);
}

TEST(Payloads, AlertmanagerApiAlertsEndWhenResolved) {
  const Receiver receiver = Make(Receiver::Type::kAlertmanager);
  EXPECT_EQ(TargetUrl(receiver), "http://127.0.0.1:9093/api/v2/alerts");
  const Json firing = Render(receiver, NotifyEvent::kFired);
  ASSERT_TRUE(firing.is_array());
  EXPECT_EQ(firing[0]["startsAt"], "2026-03-01T09:30:00Z");
  EXPECT_GT(firing[0]["endsAt"].get<std::string>(), "1970-01-07");  // held a week ahead
  EXPECT_EQ(Render(receiver, NotifyEvent::kResolved)[0]["endsAt"], "2026-03-01T10:00:00Z");
}

}  // namespace
}  // namespace vigil::alerting
