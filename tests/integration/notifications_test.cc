// Notifications with the real collector and HTTP receivers the test runs: every (incident, event)
// arrives, a webhook-id never succeeds twice, through 503s, hangs, a receiver that is down while
// the collector is killed, and a receiver that is down for good. Signatures are checked by the
// Standard Webhooks reference library; bodies for PagerDuty and Slack against their documented
// shapes; a real Alertmanager shows the alert firing and then resolved.

#include <signal.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "tests/integration/harness.h"
#include "tests/support/free_port.h"
#include "tests/support/http_client.h"
#include "tests/support/wait.h"
#include "tests/support/webhook_receiver.h"

namespace vigil::testing {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr const char* kSecret = "whsec_dmlnaWwtdGVzdC1zZWNyZXQta2V5LTAwMDAx";
constexpr const char* kOldSecret = "whsec_dmlnaWwtb2xkLXNlY3JldC1rZXktMDAwMDI=";

class NotificationsTest : public ::testing::Test {
 protected:
  // Starts the collector with `receivers` and `route` (YAML flow text) and quick retries.
  void Start(const std::string& receivers, const std::string& route,
             const std::string& delivery =
                 "{timeout: 500ms, max_age: 1m, retry_initial: 100ms, "
                 "retry_max: 400ms, breaker_failures: 1000}") {
    harness_.dir().Write("hook.whsec", std::string(kSecret) + "\n");
    harness_.dir().Write("old.whsec", std::string(kOldSecret) + "\n");
    // The tests poll the API faster than the default per-token rate allows.
    notifications_ = "notifications:\n  delivery: " + delivery + "\n  receivers: " + receivers +
                     "\n  route: " + route +
                     "\nlimits: {api_requests_per_second: 10000, api_request_burst: 10000}\n";
    harness_.StartCollector(notifications_);
  }

  Json Call(const std::string& method, const std::string& target, const std::string& body = "") {
    HttpResult result =
        HttpCall(harness_.http_port(), method, target, body, harness_.admin_token());
    return Json::parse(result.body, nullptr, false);
  }

  // Opens a manual incident, acknowledges and resolves it: fired, acknowledged, resolved.
  std::string RunIncident(const std::string& customer = "acme",
                          const std::string& severity = "high") {
    Json opened = Call("POST", "/api/v1/incidents",
                       R"({"customer":")" + customer + R"(","severity":")" + severity +
                           R"(","summary":"disk full","agent":"db-01"})");
    const std::string id = opened.value("id", "");
    Call("POST", "/api/v1/incidents/" + id + "/ack", R"({"note":"on it"})");
    Call("POST", "/api/v1/incidents/" + id + "/resolve", "{}");
    return id;
  }

  // The (incident, event) pairs a Vigil-format receiver accepted; fails when a webhook-id was
  // accepted twice.
  static std::set<std::pair<std::string, std::string>> Delivered(const WebhookReceiver& receiver) {
    std::set<std::pair<std::string, std::string>> pairs;
    std::set<std::string> ids;
    for (const auto& request : receiver.accepted()) {
      EXPECT_TRUE(ids.insert(request.headers.at("webhook-id")).second)
          << "webhook-id " << request.headers.at("webhook-id") << " succeeded twice";
      Json body = Json::parse(request.body);
      pairs.emplace(body["incident"]["id"].get<std::string>(), body["event"].get<std::string>());
    }
    return pairs;
  }

  static std::set<std::pair<std::string, std::string>> Expected(
      const std::vector<std::string>& ids) {
    std::set<std::pair<std::string, std::string>> pairs;
    for (const std::string& id : ids) {
      for (const char* event : {"fired", "acknowledged", "resolved"}) pairs.insert({id, event});
    }
    return pairs;
  }

  bool AllDelivered(const WebhookReceiver& receiver, const std::vector<std::string>& ids,
                    milliseconds timeout = seconds(30)) {
    return WaitFor([&] { return Delivered(receiver) == Expected(ids); }, timeout);
  }

  // node + the Standard Webhooks library verify every accepted request with `secret`.
  std::string Verify(const WebhookReceiver& receiver, const std::string& secret) {
    Json requests = Json::array();
    for (const auto& request : receiver.accepted()) {
      requests.push_back({{"headers", request.headers}, {"body", request.body}});
    }
    const std::string file = harness_.dir().Write("requests.json", requests.dump());
    CommandResult run =
        RunCommand({"node", VIGIL_SOURCE_DIR "/tests/integration/verify_webhooks.js",
                    VIGIL_NODE_DIR, secret, file});
    return run.out + run.err;
  }

  Harness harness_;
  std::string notifications_;
};

TEST_F(NotificationsTest, AnAcceptingReceiverGetsEveryEventOnceSignedAndOnTheTimeline) {
  WebhookReceiver receiver;
  Start("[{name: hook, type: webhook, url: \"" + receiver.url() + "\", secret_file: hook.whsec}]",
        "{receiver: hook}");
  std::vector<std::string> ids = {RunIncident(), RunIncident("globex")};
  ASSERT_TRUE(AllDelivered(receiver, ids)) << harness_.collector().Stderr();
  EXPECT_EQ(Verify(receiver, kSecret), "verified 6\n");
  // Each delivery is on the timeline (written just after the receiver's answer), in order.
  std::vector<std::string> notified;
  ASSERT_TRUE(WaitFor([&] {
    notified.clear();
    const Json incident = Call("GET", "/api/v1/incidents/" + ids[0]);
    for (const Json& entry : incident["timeline"]) {
      if (entry["type"] == "notified") notified.push_back(entry["text"]);
    }
    return notified.size() == 3;
  }));
  EXPECT_THAT(notified, ::testing::ElementsAre(HasSubstr("hook (fired): delivered, HTTP 200"),
                                               HasSubstr("hook (acknowledged): delivered"),
                                               HasSubstr("hook (resolved): delivered")));
  // And the receiver got them in that order.
  std::vector<std::string> events;
  for (const auto& request : receiver.accepted()) {
    Json body = Json::parse(request.body);
    if (body["incident"]["id"] == ids[0]) events.push_back(body["event"]);
  }
  EXPECT_THAT(events, ::testing::ElementsAre("fired", "acknowledged", "resolved"));
  const Json first = Json::parse(receiver.accepted()[0].body);
  EXPECT_EQ(first["version"], "1");
  EXPECT_EQ(first["incident"]["summary"], "disk full");
}

TEST_F(NotificationsTest, ServerErrorsAndHangsAreRetriedUntilDelivered) {
  WebhookReceiver failing;  // 503 three times, then accepts
  failing.SetPolicy(
      [](const WebhookReceiver::Request&, int index) { return index < 3 ? 503 : 200; });
  WebhookReceiver hanging;  // no answer twice (past the 500ms timeout), then accepts
  hanging.SetPolicy([](const WebhookReceiver::Request&, int index) { return index < 2 ? 0 : 200; });
  Start("[{name: failing, type: webhook, url: \"" + failing.url() +
            "\"},"
            " {name: hanging, type: webhook, url: \"" +
            hanging.url() + "\"}]",
        "{receiver: failing, routes: [{matchers: ['customer=~\".+\"'], receiver: failing, "
        "continue: true}, {matchers: ['customer=~\".+\"'], receiver: hanging}]}");
  std::vector<std::string> ids = {RunIncident(), RunIncident()};
  EXPECT_TRUE(AllDelivered(failing, ids)) << harness_.collector().Stderr();
  EXPECT_TRUE(AllDelivered(hanging, ids)) << harness_.collector().Stderr();
  EXPECT_GE(failing.requests().size(), 9u);
  Json retried = Call("GET", "/api/v1/incidents/" + ids[0]);
  EXPECT_THAT(retried.dump(), HasSubstr("HTTP 503; attempt 1, retrying at"));
}

TEST_F(NotificationsTest, NothingIsLostWhenTheReceiverIsDownAndTheCollectorIsKilled) {
  WebhookReceiver receiver;
  receiver.Stop();
  Start("[{name: hook, type: webhook, url: \"" + receiver.url() + "\", secret_file: hook.whsec}]",
        "{receiver: hook}");
  std::vector<std::string> ids = {RunIncident(), RunIncident()};
  // Every notification is queued, and each incident's first has failed at least once (the
  // others wait behind it, to keep an incident's events in order).
  ASSERT_TRUE(WaitFor([&] {
    Json pending = Call("GET", "/api/v1/notifications?state=pending");
    if (!pending.is_object() || pending["items"].size() != 6) return false;
    std::size_t tried = 0;
    for (const Json& item : pending["items"]) tried += item["attempts"] != 0;
    return tried == 2;
  })) << harness_.collector().Stderr();
  ASSERT_EQ(harness_.StopCollector(SIGKILL), 128 + SIGKILL);
  harness_.StartCollector(notifications_);
  receiver.Start();
  EXPECT_TRUE(AllDelivered(receiver, ids)) << harness_.collector().Stderr();
  EXPECT_EQ(Verify(receiver, kSecret), "verified 6\n");
  EXPECT_TRUE(
      WaitFor([&] { return Call("GET", "/api/v1/notifications?state=pending")["items"].empty(); }));
}

TEST_F(NotificationsTest, ADeadReceiverDeadLettersAfterMaxAgeAndDelaysNoOther) {
  WebhookReceiver good;
  WebhookReceiver dead;
  dead.Stop();
  Start("[{name: good, type: webhook, url: \"" + good.url() +
            "\"},"
            " {name: dead, type: webhook, url: \"" +
            dead.url() + "\"}]",
        "{receiver: dead, routes: [{matchers: ['severity=\"high\"'], receiver: dead, continue: "
        "true}, {matchers: ['severity=\"high\"'], receiver: good}]}",
        "{timeout: 500ms, max_age: 3s, retry_initial: 100ms, retry_max: 400ms}");
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    const auto before = std::chrono::steady_clock::now();
    const std::size_t accepted = good.accepted().size();
    ids.push_back(RunIncident());
    ASSERT_TRUE(WaitFor([&] { return good.accepted().size() >= accepted + 3; }, seconds(5)));
    // Each of the three events reached the good receiver within a second of being made.
    for (std::size_t k = accepted; k < accepted + 3; ++k) {
      EXPECT_LT(good.accepted()[k].at - before, seconds(1));
    }
  }
  EXPECT_TRUE(AllDelivered(good, ids));
  ASSERT_TRUE(WaitFor(
      [&] {
        Json dead_letters = Call("GET", "/api/v1/notifications?state=dead&receiver=dead");
        return dead_letters.is_object() && dead_letters["items"].size() == 9;
      },
      seconds(30)))
      << harness_.collector().Stderr();
  const std::string scrape = HttpGet(harness_.http_port(), "/metrics").body;
  EXPECT_THAT(scrape, HasSubstr("vigil_outbox_dead 9"));
  EXPECT_THAT(scrape, HasSubstr("vigil_notifications_total{receiver=\"dead\",result=\"dead\"} 9"));

  // Once it is back, an operator re-sends a dead letter with vigilctl.
  dead.Start();
  const std::string operator_token = harness_.CreateApiToken("operator", "ann");
  CommandResult listed = harness_.Vigilctl(
      {"notifications", "list", "--state", "dead", "--output", "json"}, operator_token);
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  const std::string id = Json::parse(listed.out)[0]["id"];
  CommandResult retried = harness_.Vigilctl({"notifications", "retry", id}, operator_token);
  ASSERT_EQ(retried.exit_code, 0) << retried.err;
  EXPECT_TRUE(WaitFor([&] { return dead.accepted().size() == 1; }));
  EXPECT_EQ(dead.accepted()[0].headers.at("webhook-id"), id);
  // The incident's timeline says who queued it again, before the attempt that delivered it.
  const std::string incident = Json::parse(listed.out)[0]["incident_id"];
  ASSERT_TRUE(WaitFor([&] {
    const Json timeline = Call("GET", "/api/v1/incidents/" + incident)["timeline"];
    return !timeline.empty() && timeline.back()["type"] == "notified";
  }));
  const Json timeline = Call("GET", "/api/v1/incidents/" + incident)["timeline"];
  const Json& requeued = timeline[timeline.size() - 2];
  EXPECT_EQ(requeued["type"], "notify_retried");
  EXPECT_EQ(requeued["actor"], "user ann");
}

TEST_F(NotificationsTest, BothSecretsSignDuringRotation) {
  WebhookReceiver receiver;
  Start("[{name: hook, type: webhook, url: \"" + receiver.url() +
            "\", secret_files: [hook.whsec, old.whsec]}]",
        "{receiver: hook}");
  std::vector<std::string> ids = {RunIncident()};
  ASSERT_TRUE(AllDelivered(receiver, ids));
  EXPECT_EQ(Verify(receiver, kSecret), "verified 3\n");
  EXPECT_EQ(Verify(receiver, kOldSecret), "verified 3\n");
  EXPECT_NE(Verify(receiver, "whsec_d3Jvbmctc2VjcmV0LWtleS0wMDAwMDAwMA=="), "verified 3\n");
}

TEST_F(NotificationsTest, PagerDutySlackAndAlertmanagerWebhookBodiesHaveTheirDocumentedShape) {
  WebhookReceiver receiver;
  harness_.dir().Write("pd.key", "R0UTING-KEY-0123456789abcdef\n");
  harness_.dir().Write("slack.url", receiver.url("/slack") + "\n");
  Start("[{name: pd, type: pagerduty, url: \"" + receiver.url("/pd") +
            "\", routing_key_file: pd.key}, {name: chat, type: slack, url_file: slack.url},"
            " {name: am, type: webhook, url: \"" +
            receiver.url("/am") + "\", format: alertmanager}]",
        "{receiver: pd, routes: [{matchers: ['customer=\"acme\"'], receiver: pd, continue: true},"
        " {matchers: ['customer=\"acme\"'], receiver: chat, continue: true},"
        " {matchers: ['customer=\"acme\"'], receiver: am}]}");
  const std::string id = RunIncident("acme", "critical");
  // pd: trigger, acknowledge, resolve; chat: three; am: firing and resolved (no acknowledgement).
  ASSERT_TRUE(WaitFor([&] { return receiver.accepted().size() == 8; }))
      << harness_.collector().Stderr();
  std::map<std::string, std::vector<Json>> by_path;
  for (const auto& request : receiver.accepted())
    by_path[request.path].push_back(Json::parse(request.body));

  const std::vector<Json>& pd = by_path["/pd"];
  ASSERT_EQ(pd.size(), 3u);
  std::set<std::string> actions;
  for (const Json& event : pd) {
    actions.insert(event["event_action"]);
    EXPECT_EQ(event["routing_key"], "R0UTING-KEY-0123456789abcdef");
    EXPECT_EQ(event["dedup_key"].get<std::string>().size(), 16u);
  }
  EXPECT_EQ(actions, (std::set<std::string>{"trigger", "acknowledge", "resolve"}));
  const Json& trigger = *std::find_if(pd.begin(), pd.end(),
                                      [](const Json& e) { return e["event_action"] == "trigger"; });
  EXPECT_EQ(trigger["payload"]["severity"], "critical");
  EXPECT_EQ(trigger["payload"]["summary"], "disk full");
  EXPECT_EQ(trigger["payload"]["source"], "db-01");

  const std::vector<Json>& slack = by_path["/slack"];
  ASSERT_EQ(slack.size(), 3u);
  for (const Json& message : slack) {
    EXPECT_TRUE(message["text"].is_string());
    EXPECT_EQ(message["blocks"][0]["type"], "section");
  }

  const std::vector<Json>& am = by_path["/am"];
  ASSERT_EQ(am.size(), 2u);
  for (const Json& body : am) {
    EXPECT_EQ(body["version"], "4");
    EXPECT_EQ(body["alerts"][0]["labels"]["alertname"], "manual");
  }
  // The routing key is never stored in the outbox.
  Json stored = Call("GET", "/api/v1/notifications?incident=" + id);
  for (const Json& item : stored["items"]) {
    Json full = Call("GET", "/api/v1/notifications/" + item["id"].get<std::string>());
    EXPECT_EQ(full.dump().find("R0UTING"), std::string::npos);
  }
  EXPECT_EQ(harness_.collector().Stderr().find("R0UTING"), std::string::npos);
}

TEST_F(NotificationsTest, AnUnacknowledgedIncidentEscalatesAndReminds) {
  WebhookReceiver receiver;
  Start("[{name: oncall, type: webhook, url: \"" + receiver.url("/oncall") +
            "\"},"
            " {name: lead, type: webhook, url: \"" +
            receiver.url("/lead") + "\"}]",
        "{receiver: oncall, repeat_interval: 2s, escalate: [{after: 1s, receiver: lead}]}");
  Json opened = Call("POST", "/api/v1/incidents",
                     R"({"customer":"acme","severity":"high","summary":"disk full"})");
  const std::string id = opened["id"];
  std::vector<std::string> events;
  ASSERT_TRUE(WaitFor(
      [&] {
        events.clear();
        for (const auto& request : receiver.accepted()) {
          events.push_back(request.path + " " +
                           Json::parse(request.body)["event"].get<std::string>());
        }
        return events.size() >= 3;
      },
      seconds(10)))
      << harness_.collector().Stderr();
  EXPECT_EQ(events[0], "/oncall fired");
  // Due one second apart; on a loaded machine one timer tick may send both at once.
  EXPECT_THAT(std::vector<std::string>(events.begin() + 1, events.begin() + 3),
              ::testing::UnorderedElementsAre("/lead escalated", "/oncall reminder"));
  Json incident = Call("GET", "/api/v1/incidents/" + id);
  EXPECT_THAT(incident.dump(), HasSubstr("escalated to lead"));
  // Acknowledged: both are told (count before asking: the answer may come back at once), and no
  // more reminders come.
  const std::size_t before_ack = receiver.accepted().size();
  Call("POST", "/api/v1/incidents/" + id + "/ack", "{}");
  ASSERT_TRUE(WaitFor([&] {
    std::size_t acknowledged = 0;
    for (const auto& request : receiver.accepted()) {
      acknowledged += Json::parse(request.body)["event"] == "acknowledged";
    }
    return acknowledged == 2 && receiver.accepted().size() >= before_ack + 2;
  }));
  const auto settled = receiver.accepted().size();
  EXPECT_FALSE(WaitFor([&] { return receiver.accepted().size() > settled; }, seconds(3)));
}

// A real Alertmanager, from Debian's prometheus-alertmanager, on free ports.
TEST_F(NotificationsTest, ARealAlertmanagerShowsTheAlertFiringAndThenResolved) {
  const std::uint16_t port = FreeLoopbackPort();
  harness_.dir().Write("am/alertmanager.yml",
                       "route: {receiver: nobody}\nreceivers: [{name: nobody}]\n");
  std::unique_ptr<Process> alertmanager = Process::Start(
      {"/usr/bin/prometheus-alertmanager",
       "--config.file=" + harness_.dir().File("am/alertmanager.yml"),
       "--storage.path=" + harness_.dir().File("am/data"),
       "--web.listen-address=127.0.0.1:" + std::to_string(port), "--cluster.listen-address="},
      harness_.dir().File("am/out.log"), harness_.dir().File("am/err.log"));
  ASSERT_TRUE(WaitFor([&] { return HttpGet(port, "/-/ready").status == 200; }))
      << alertmanager->Stderr();
  Start("[{name: am, type: alertmanager, url: \"http://127.0.0.1:" + std::to_string(port) + "\"}]",
        "{receiver: am}");
  Json opened = Call(
      "POST", "/api/v1/incidents",
      R"({"customer":"acme","severity":"critical","summary":"database down","agent":"db-01"})");
  const std::string id = opened["id"];
  Json alerts;
  ASSERT_TRUE(WaitFor([&] {
    alerts = Json::parse(HttpGet(port, "/api/v2/alerts").body, nullptr, false);
    return alerts.is_array() && alerts.size() == 1;
  })) << harness_.collector().Stderr();
  EXPECT_EQ(alerts[0]["labels"]["alertname"], "manual");
  EXPECT_EQ(alerts[0]["labels"]["customer"], "acme");
  EXPECT_EQ(alerts[0]["labels"]["severity"], "critical");
  EXPECT_EQ(alerts[0]["annotations"]["summary"], "database down");
  EXPECT_EQ(alerts[0]["status"]["state"], "active");
  Call("POST", "/api/v1/incidents/" + id + "/resolve", "{}");
  // Resolved: its end is now past, and Alertmanager no longer lists it as active.
  EXPECT_TRUE(WaitFor([&] {
    Json active = Json::parse(HttpGet(port, "/api/v2/alerts?active=true").body, nullptr, false);
    return active.is_array() && active.empty();
  })) << harness_.collector().Stderr();
  alertmanager->Signal(SIGTERM);
  alertmanager->Wait(seconds(10));
}

}  // namespace
}  // namespace vigil::testing
