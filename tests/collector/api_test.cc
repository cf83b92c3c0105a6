// The REST API in process: the router with every route, on a real SQLite store, driven by
// HttpRequest values. The HTTP layer's own limits are tested in http_server_test.cc.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <tuple>

#include <nlohmann/json.hpp>

#include "alerting/rule_file.h"
#include "collector/api/router.h"
#include "collector/api/routes.h"
#include "collector/ingest/live_state.h"
#include "collector/reports/fault_report_book.h"
#include "collector/service/alerting_service.h"
#include "collector/sla/sla_engine.h"
#include "collector/store/token.h"
#include "common/time_format.h"
#include "tests/support/manual_clock.h"
#include "tests/support/temp_dir.h"

namespace vigil::collector {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Json = nlohmann::json;

struct Answer {
  int status;
  Json body;
};

class ApiTest : public ::testing::Test {
 protected:
  ApiTest()
      : store_(OpenSqliteStore(dir_.File("vigil.db")).value()),
        live_({1000, 1000}),
        alerting_(*store_, registry_, clock_, config_, {}),
        reports_(*store_, clock_),
        sla_(*store_, clock_, SlaSetup{}),
        auth_(store_->tokens()),
        router_(auth_, registry_, clock_) {
    EXPECT_TRUE(alerting_.Start().ok());
    AddAgentRoutes(router_, *store_, live_);
    AddIncidentRoutes(router_, alerting_);
    AddNotificationRoutes(router_, alerting_);
    AddSilenceRoutes(router_, alerting_, clock_);
    AddRuleRoutes(router_, alerting_);
    AddTokenRoutes(router_, store_->tokens(), clock_);
    AddFaultReportRoutes(router_, reports_, sla_, store_->fault_reports());
    AddSlaRoutes(router_, sla_, clock_);
    AddPrometheusRoutes(
        router_, live_,
        {[this] { return sd_anonymous_; }, [this] { return https_; }, "127.0.0.1:9701"});
    router_.SetRateLimit(1000, 1000);
    for (const char* role : {"viewer", "operator", "admin"}) {
      TokenRecord record;
      auto created = CreateToken(store_->tokens(), {"api", "", role, std::string(role) + "-bot"},
                                 ToUnixMillis(clock_.Now()), record);
      tokens_[role] = created->secret;
    }
  }

  Answer Call(const std::string& method, const std::string& target, const std::string& role,
              const std::string& body = "") {
    HttpRequest request;
    request.method = method;
    request.target = target;
    request.path = target.substr(0, target.find('?'));
    request.body = body;
    request.remote_address = "127.0.0.1";
    if (!body.empty()) request.headers["content-type"] = "application/json";
    if (!role.empty()) request.headers["authorization"] = "Bearer " + tokens_[role];
    HttpResponse response = router_.Handle(request);
    Json parsed = Json::parse(response.body, nullptr, /*allow_exceptions=*/false);
    return {response.status, parsed};
  }

  std::string OpenIncident() {
    Answer opened =
        Call("POST", "/api/v1/incidents", "admin",
             R"({"customer":"acme","severity":"high","summary":"disk noise","agent":"web-01"})");
    EXPECT_EQ(opened.status, 201) << opened.body.dump();
    return opened.body.value("id", "");
  }

  testing::TempDir dir_;
  testing::ManualClock clock_;
  config::CollectorConfig config_;
  prometheus::Registry registry_;
  std::unique_ptr<Store> store_;
  LiveState live_;
  AlertingService alerting_;
  FaultReportBook reports_;
  SlaEngine sla_;
  Authenticator auth_;
  ApiRouter router_;
  std::map<std::string, std::string> tokens_;
  bool sd_anonymous_ = false;
  bool https_ = false;
};

TEST_F(ApiTest, EveryEndpointChecksTheTokenAndTheRole) {
  ASSERT_TRUE(store_->agents().RecordHello("acme", "web-01", "web-01.example", "0.1.0", 1).ok());
  const std::string incident = OpenIncident();
  Answer silence = Call(
      "POST", "/api/v1/silences", "operator",
      R"({"matchers":[{"name":"customer","op":"=","value":"x"}],"duration":60,"comment":"c"})");
  ASSERT_EQ(silence.status, 201) << silence.body.dump();
  const std::string silence_id = silence.body["id"];
  Answer token =
      Call("POST", "/api/v1/tokens", "admin", R"({"kind":"enrollment","customer":"acme"})");
  ASSERT_EQ(token.status, 201);
  const std::string token_id = token.body["id"];
  Answer report = Call("POST", "/api/v1/fault-reports", "operator",
                       R"({"customer":"acme","title":"mail bounces","kind":"fault"})");
  ASSERT_EQ(report.status, 201) << report.body.dump();
  const std::string report_id = report.body["id"];

  struct Endpoint {
    std::string method;
    std::string target;
    std::string body;
    std::string needs;  // the least role that may call it
  };
  const std::vector<Endpoint> endpoints = {
      {"GET", "/api/v1/agents", "", "viewer"},
      {"GET", "/api/v1/agents/acme/web-01", "", "viewer"},
      {"GET", "/api/v1/agents/acme/web-01/findings", "", "viewer"},
      {"GET", "/api/v1/incidents", "", "viewer"},
      {"GET", "/api/v1/incidents/" + incident, "", "viewer"},
      {"GET", "/api/v1/silences", "", "viewer"},
      {"GET", "/api/v1/silences/" + silence_id, "", "viewer"},
      {"GET", "/api/v1/rules", "", "viewer"},
      {"GET", "/api/v1/prometheus/targets", "", "viewer"},
      {"GET", "/api/v1/notifications?state=dead", "", "viewer"},
      {"POST", "/api/v1/incidents/" + incident + "/notes", R"({"text":"x"})", "operator"},
      {"POST", "/api/v1/incidents/" + incident + "/ack", "{}", "operator"},
      {"POST", "/api/v1/silences",
       R"({"matchers":[{"name":"agent","value":"a"}],"duration":60,"comment":"c"})", "operator"},
      {"DELETE", "/api/v1/silences/" + silence_id, "", "operator"},
      {"POST", "/api/v1/incidents", R"({"customer":"acme","severity":"low","summary":"s"})",
       "admin"},
      {"GET", "/api/v1/tokens", "", "admin"},
      {"POST", "/api/v1/tokens", R"({"kind":"api","role":"viewer","name":"x"})", "admin"},
      {"DELETE", "/api/v1/tokens/" + token_id, "", "admin"},
      {"GET", "/api/v1/fault-reports?customer=acme", "", "viewer"},
      {"GET", "/api/v1/fault-reports/" + report_id, "", "viewer"},
      {"GET", "/api/v1/sla", "", "viewer"},
      {"GET", "/api/v1/sla/report?customer=acme&from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z",
       "", "viewer"},
      {"POST", "/api/v1/fault-reports", R"({"customer":"acme","title":"t"})", "operator"},
      {"PATCH", "/api/v1/fault-reports/" + report_id, R"({"category":"mail"})", "operator"},
      {"POST", "/api/v1/fault-reports/" + report_id + "/notes", R"({"text":"x"})", "operator"},
      {"POST", "/api/v1/fault-reports/" + report_id + "/transition", R"({"to":"resolved"})",
       "operator"},
      {"POST", "/api/v1/fault-reports/" + report_id + "/satisfaction", R"({"score":4})",
       "operator"},
      {"POST", "/api/v1/incidents/" + incident + "/resolve", "{}", "operator"},
  };
  const std::vector<std::string> roles = {"viewer", "operator", "admin"};
  for (const Endpoint& endpoint : endpoints) {
    SCOPED_TRACE(endpoint.method + " " + endpoint.target);
    Answer anonymous = Call(endpoint.method, endpoint.target, "", endpoint.body);
    EXPECT_EQ(anonymous.status, 401);
    EXPECT_EQ(anonymous.body["error"]["code"], "unauthenticated");
    const auto needed = std::find(roles.begin(), roles.end(), endpoint.needs) - roles.begin();
    for (std::size_t i = 0; i < roles.size(); ++i) {
      // Refusals leave the state as it was, so each endpoint is tried by every role in turn,
      // and the allowed calls go last (from the least role).
      if (static_cast<long>(i) < needed) {
        Answer refused = Call(endpoint.method, endpoint.target, roles[i], endpoint.body);
        EXPECT_EQ(refused.status, 403) << roles[i];
        EXPECT_EQ(refused.body["error"]["code"], "forbidden");
      }
    }
    Answer allowed = Call(endpoint.method, endpoint.target, endpoint.needs, endpoint.body);
    EXPECT_LT(allowed.status, 300) << allowed.body.dump();
    // A higher role may do what a lower one may (a repeat of a change may be a conflict).
    Answer admin = Call(endpoint.method, endpoint.target, "admin", endpoint.body);
    EXPECT_NE(admin.status, 403);
    EXPECT_NE(admin.status, 401);
  }
}

TEST_F(ApiTest, AWrongOrRevokedTokenIsUnauthenticated) {
  tokens_["forged"] = "vgl_forged";
  EXPECT_EQ(Call("GET", "/api/v1/incidents", "forged").status, 401);
  TokenRecord record;
  auto created = CreateToken(store_->tokens(), {"enrollment", "acme", "", ""}, 0, record);
  tokens_["enrollment"] = created->secret;
  Answer enrollment = Call("GET", "/api/v1/incidents", "enrollment");
  EXPECT_EQ(enrollment.status, 401);  // an agent's token does not open the API
  std::string viewer_id;
  const auto tokens = store_->tokens().ListTokens();
  for (const TokenRecord& token : *tokens) {
    if (token.role == "viewer") viewer_id = token.id;
  }
  ASSERT_EQ(Call("DELETE", "/api/v1/tokens/" + viewer_id, "admin").status, 200);
  EXPECT_EQ(Call("GET", "/api/v1/incidents", "viewer").status, 401);
}

TEST_F(ApiTest, BadRequestsSayWhatWasWrong) {
  const std::string incident = OpenIncident();
  Answer malformed =
      Call("POST", "/api/v1/incidents/" + incident + "/notes", "operator", R"({"text":)");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_THAT(malformed.body["error"]["message"].get<std::string>(),
              HasSubstr("malformed JSON at byte"));
  Answer filter = Call("GET", "/api/v1/incidents?colour=red", "viewer");
  EXPECT_EQ(filter.status, 400);
  EXPECT_THAT(filter.body["error"]["message"].get<std::string>(),
              HasSubstr("unknown query parameter \"colour\""));
  Answer state = Call("GET", "/api/v1/incidents?state=burning", "viewer");
  EXPECT_THAT(state.body["error"]["message"].get<std::string>(), HasSubstr("state: expected"));
  Answer outbox_state = Call("GET", "/api/v1/notifications?state=Dead", "viewer");
  EXPECT_EQ(outbox_state.status, 400);
  EXPECT_THAT(outbox_state.body["error"]["message"].get<std::string>(),
              HasSubstr("state: expected pending, delivered or dead"));
  EXPECT_EQ(Call("GET", "/api/v1/notifications?state=dead", "viewer").status, 200);
  Answer field =
      Call("POST", "/api/v1/incidents/" + incident + "/ack", "operator", R"({"not":"x"})");
  EXPECT_EQ(field.status, 400);
  EXPECT_THAT(field.body["error"]["message"].get<std::string>(),
              HasSubstr("unknown field \"not\""));
  Answer type =
      Call("POST", "/api/v1/incidents/" + incident + "/notes", "operator", R"({"text":5})");
  EXPECT_THAT(type.body["error"]["message"].get<std::string>(),
              HasSubstr("text: expected a string"));
  EXPECT_EQ(Call("GET", "/api/v1/incidents/inc-nope", "viewer").status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/nothing", "viewer").status, 404);
  EXPECT_EQ(Call("PUT", "/api/v1/incidents", "admin").status, 405);
  EXPECT_EQ(Call("GET", "/api/v1/incidents?limit=0", "viewer").status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/incidents?limit=1001", "viewer").status, 400);

  HttpRequest xml;
  xml.method = "POST";
  xml.target = xml.path = "/api/v1/incidents/" + incident + "/ack";
  xml.headers["authorization"] = "Bearer " + tokens_["operator"];
  xml.headers["content-type"] = "application/xml";
  xml.body = "<ack/>";
  EXPECT_EQ(router_.Handle(xml).status, 415);
}

// Item 7 of the outside attack: 1e400 in any JSON body was a 500.
TEST_F(ApiTest, NumbersBeyondRangeAre400NamingTheField) {
  const std::string incident = OpenIncident();
  const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
      {"/api/v1/silences",
       R"({"matchers":[{"name":"agent","value":"a"}],"duration":1e400,"comment":"c"})", "duration"},
      {"/api/v1/silences",
       R"({"matchers":[{"name":"agent","value":-1e400}],"duration":60,"comment":"c"})",
       "matchers[0].value"},
      {"/api/v1/fault-reports", R"({"customer":"acme","title":"t","severity":1e999})", "severity"},
      {"/api/v1/incidents/" + incident + "/notes", R"({"text":[1, 2, 1e400]})", "text[2]"},
      {"/api/v1/incidents/" + incident + "/ack",
       R"({"note":"x","at":123456789012345678901234567890123456789e300})", "at"}};
  for (const auto& [target, body, field] : cases) {
    Answer answer = Call("POST", target, "admin", body);
    EXPECT_EQ(answer.status, 400) << body;
    EXPECT_EQ(answer.body["error"]["message"], field + ": number out of range") << body;
  }
}

// Item 10: a field given twice was accepted (which one would a reader see?).
TEST_F(ApiTest, AFieldGivenTwiceIsRefusedNamingIt) {
  Answer top = Call(
      "POST", "/api/v1/silences", "operator",
      R"({"matchers":[{"name":"agent","value":"a"}],"duration":60,"comment":"a","comment":"b"})");
  EXPECT_EQ(top.status, 400);
  EXPECT_EQ(top.body["error"]["message"], "comment: given more than once");
  Answer nested = Call(
      "POST", "/api/v1/incidents", "admin",
      R"({"customer":"acme","severity":"high","summary":"s","labels":{"team":"a","team":"b"}})");
  EXPECT_EQ(nested.status, 400);
  EXPECT_EQ(nested.body["error"]["message"], "labels.team: given more than once");
  std::string deep = R"({"labels":)";
  for (int i = 0; i < 40; ++i) deep += "[";
  Answer too_deep = Call("POST", "/api/v1/incidents", "admin", deep);
  EXPECT_EQ(too_deep.status, 400);
  EXPECT_THAT(too_deep.body["error"]["message"].get<std::string>(), HasSubstr("nested deeper"));
}

// Item 10: `since` after `until` was refused on the SLA report but not on the lists.
TEST_F(ApiTest, APeriodThatEndsBeforeItStartsIsRefusedOnEveryList) {
  for (const std::string target :
       {"/api/v1/incidents?since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z",
        "/api/v1/fault-reports?since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z",
        "/api/v1/sla/report?customer=acme&from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z"}) {
    Answer answer = Call("GET", target, "viewer");
    EXPECT_EQ(answer.status, 400) << target;
    EXPECT_THAT(answer.body["error"]["message"].get<std::string>(), HasSubstr("must not be after"))
        << target;
  }
}

// Item 10: a silence's matcher value had no length cap and its ends_at no horizon.
TEST_F(ApiTest, ASilenceIsBoundedInSizeAndTime) {
  const std::string long_value(2000, 'v');
  Answer value = Call("POST", "/api/v1/silences", "operator",
                      R"({"matchers":[{"name":"agent","value":")" + long_value +
                          R"("}],"duration":60,"comment":"c"})");
  EXPECT_EQ(value.status, 400);
  EXPECT_THAT(value.body["error"]["message"].get<std::string>(),
              HasSubstr("matchers[0].value: at most 1024 bytes"));
  const std::string far = FormatRfc3339(ToUnixMillis(clock_.Now()) + 400LL * 24 * 3600 * 1000);
  Answer ends = Call(
      "POST", "/api/v1/silences", "operator",
      R"({"matchers":[{"name":"agent","value":"a"}],"ends_at":")" + far + R"(","comment":"c"})");
  EXPECT_EQ(ends.status, 400);
  EXPECT_THAT(ends.body["error"]["message"].get<std::string>(), HasSubstr("at most 366 days"));
  const std::string farther = FormatRfc3339(ToUnixMillis(clock_.Now()) + 500LL * 24 * 3600 * 1000);
  Answer starts = Call("POST", "/api/v1/silences", "operator",
                       R"({"matchers":[{"name":"agent","value":"a"}],"starts_at":")" + far +
                           R"(","ends_at":")" + farther + R"(","comment":"c"})");
  EXPECT_EQ(starts.status, 400);
  EXPECT_THAT(starts.body["error"]["message"].get<std::string>(), HasSubstr("starts_at"));
}

TEST_F(ApiTest, AcknowledgingKeepsTheFirstTimeAndAResolvedIncidentCannotBeAcknowledged) {
  const std::string incident = OpenIncident();
  const std::string path = "/api/v1/incidents/" + incident;
  Answer first = Call("POST", path + "/ack", "operator", R"({"note":"on it"})");
  ASSERT_EQ(first.status, 200);
  EXPECT_EQ(first.body["state"], "acknowledged");
  EXPECT_EQ(first.body["acknowledged_by"], "user operator-bot");
  clock_.Advance(std::chrono::minutes(5));
  Answer second = Call("POST", path + "/ack", "admin", "{}");
  EXPECT_EQ(second.body["acknowledged_at"], first.body["acknowledged_at"]);
  EXPECT_EQ(second.body["acknowledged_by"], "user operator-bot");
  ASSERT_EQ(Call("POST", path + "/resolve", "operator", R"({"note":"fixed"})").status, 200);
  Answer late = Call("POST", path + "/ack", "operator", "{}");
  EXPECT_EQ(late.status, 409);
  EXPECT_EQ(late.body["error"]["code"], "conflict");
  EXPECT_EQ(Call("POST", path + "/resolve", "operator", "{}").status, 409);
  Answer full = Call("GET", path, "viewer");
  std::vector<std::string> types;
  for (const Json& entry : full.body["timeline"]) types.push_back(entry["type"]);
  EXPECT_THAT(types, ::testing::ElementsAre("fired", "acknowledged", "resolved"));
}

TEST_F(ApiTest, AtImportsHistoryInOrderAndRefusesTheFutureAndThePast) {
  const std::string started = FormatRfc3339(ToUnixMillis(clock_.Now()) - 3'600'000);
  Answer opened =
      Call("POST", "/api/v1/incidents", "admin",
           R"({"customer":"acme","severity":"high","summary":"s","at":")" + started + R"("})");
  ASSERT_EQ(opened.status, 201);
  EXPECT_EQ(opened.body["started_at"], started);
  const std::string path = "/api/v1/incidents/" + opened.body["id"].get<std::string>();
  const std::string acked = FormatRfc3339(ToUnixMillis(clock_.Now()) - 1'800'000);
  ASSERT_EQ(Call("POST", path + "/ack", "operator", R"({"at":")" + acked + R"("})").status, 200);
  Answer before =
      Call("POST", path + "/notes", "operator", R"({"text":"x","at":")" + started + R"("})");
  EXPECT_EQ(before.status, 400);
  EXPECT_EQ(before.body["error"]["code"], "invalid_time");
  Answer future = Call("POST", path + "/resolve", "operator",
                       R"({"at":")" + FormatRfc3339(ToUnixMillis(clock_.Now()) + 60'000) + R"("})");
  EXPECT_EQ(future.body["error"]["code"], "invalid_time");
  Answer garbage = Call("POST", path + "/resolve", "operator", R"({"at":"yesterday"})");
  EXPECT_EQ(garbage.body["error"]["code"], "invalid_time");
  EXPECT_THAT(garbage.body["error"]["message"].get<std::string>(), HasSubstr("at:"));
}

TEST_F(ApiTest, ListsArePagedAndFiltered) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(OpenIncident());
  ASSERT_EQ(Call("POST", "/api/v1/incidents/" + ids[0] + "/resolve", "operator", "{}").status, 200);
  Answer page = Call("GET", "/api/v1/incidents?limit=2", "viewer");
  ASSERT_EQ(page.body["items"].size(), 2u);
  EXPECT_EQ(page.body["items"][0]["id"], ids[4]);
  EXPECT_FALSE(page.body["items"][0].contains("timeline"));
  std::string cursor = page.body["next_cursor"];
  Answer next = Call("GET", "/api/v1/incidents?limit=2&cursor=" + cursor, "viewer");
  EXPECT_EQ(next.body["items"][0]["id"], ids[2]);
  Answer open = Call("GET", "/api/v1/incidents?state=open&customer=acme&severity=high", "viewer");
  EXPECT_EQ(open.body["items"].size(), 4u);
  EXPECT_TRUE(open.body["next_cursor"].is_null());
  Answer resolved = Call("GET", "/api/v1/incidents?state=resolved", "viewer");
  ASSERT_EQ(resolved.body["items"].size(), 1u);
  EXPECT_EQ(resolved.body["items"][0]["id"], ids[0]);
}

TEST_F(ApiTest, SilencesAreValidatedAndExpire) {
  Answer everything = Call(
      "POST", "/api/v1/silences", "operator",
      R"({"matchers":[{"name":"customer","op":"=~","value":".*"}],"duration":60,"comment":"c"})");
  EXPECT_EQ(everything.status, 400);
  EXPECT_THAT(everything.body["error"]["message"].get<std::string>(), HasSubstr("mute everything"));
  Answer bad_regex =
      Call("POST", "/api/v1/silences", "operator",
           R"({"matchers":[{"name":"agent","op":"=~","value":"("}],"duration":60,"comment":"c"})");
  EXPECT_THAT(bad_regex.body["error"]["message"].get<std::string>(),
              HasSubstr("matchers[0].value"));
  Answer no_end = Call("POST", "/api/v1/silences", "operator",
                       R"({"matchers":[{"name":"agent","value":"a"}],"comment":"c"})");
  EXPECT_THAT(no_end.body["error"]["message"].get<std::string>(), HasSubstr("ends_at"));
  Answer made =
      Call("POST", "/api/v1/silences", "operator",
           R"({"matchers":[{"name":"agent","value":"a"}],"duration":3600,"comment":"patching"})");
  ASSERT_EQ(made.status, 201);
  EXPECT_EQ(made.body["state"], "active");
  EXPECT_EQ(made.body["created_by"], "operator-bot");
  Answer expired =
      Call("DELETE", "/api/v1/silences/" + made.body["id"].get<std::string>(), "operator");
  EXPECT_EQ(expired.body["state"], "expired");
  EXPECT_EQ(Call("GET", "/api/v1/silences?state=active", "viewer").body["items"].size(), 0u);
}

TEST_F(ApiTest, TokensShowTheirSecretOnlyWhenMade) {
  Answer made = Call("POST", "/api/v1/tokens", "admin",
                     R"({"kind":"api","role":"operator","name":"ops-bot"})");
  ASSERT_EQ(made.status, 201);
  const std::string secret = made.body["token"];
  EXPECT_EQ(made.body["role"], "operator");
  Answer listed = Call("GET", "/api/v1/tokens", "admin");
  EXPECT_EQ(listed.body.dump().find(secret), std::string::npos);
  EXPECT_EQ(listed.body["items"].size(), 4u);
  Answer bad =
      Call("POST", "/api/v1/tokens", "admin", R"({"kind":"api","role":"root","name":"x"})");
  EXPECT_THAT(bad.body["error"]["message"].get<std::string>(), HasSubstr("role:"));
}

TEST_F(ApiTest, EachTokenIsRateLimited) {
  router_.SetRateLimit(1, 3);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Call("GET", "/api/v1/rules", "viewer").status, 200);
  Answer limited = Call("GET", "/api/v1/rules", "viewer");
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.body["error"]["code"], "too_many_requests");
  EXPECT_EQ(Call("GET", "/api/v1/rules", "operator").status, 200);  // another token's own budget
  clock_.Advance(std::chrono::seconds(1));
  EXPECT_EQ(Call("GET", "/api/v1/rules", "viewer").status, 200);
}

TEST_F(ApiTest, RulesListTheBuiltInsWithTheirState) {
  Answer rules = Call("GET", "/api/v1/rules", "viewer");
  ASSERT_EQ(rules.status, 200);
  std::vector<std::string> names;
  for (const Json& rule : rules.body["items"]) {
    names.push_back(rule["name"]);
    EXPECT_TRUE(rule["builtin"].get<bool>());
    EXPECT_EQ(rule["state"], "inactive");
  }
  EXPECT_THAT(names, ::testing::ElementsAre("AgentDown", "AgentStopped", "ProbeFailing",
                                            "SecurityFinding"));
  EXPECT_EQ(rules.body["items"][2]["expr"], "vigil_probe_success == 0");
}

}  // namespace
}  // namespace vigil::collector

namespace vigil::collector {
namespace {

TEST_F(ApiTest, AReportOpenedFromAnIncidentLinksBothWays) {
  const std::string incident = OpenIncident();
  Answer report = Call("POST", "/api/v1/fault-reports", "operator",
                       R"({"from_incident":")" + incident + R"(","title":"disk noise on web-01"})");
  ASSERT_EQ(report.status, 201) << report.body.dump();
  EXPECT_EQ(report.body["customer"], "acme");
  EXPECT_EQ(report.body["severity"], "high");
  EXPECT_EQ(report.body["symptom"], "disk noise");
  EXPECT_EQ(report.body["incidents"], Json::array({incident}));
  EXPECT_EQ(report.body["status"], "new");
  EXPECT_TRUE(report.body["sla"].is_null());  // no policy configured
  Answer shown = Call("GET", "/api/v1/incidents/" + incident, "viewer");
  EXPECT_EQ(shown.body["fault_reports"], Json::array({report.body["id"]}));
}

TEST_F(ApiTest, ReportChangesFollowTheStateMachineAndSayWhy) {
  Answer report = Call(
      "POST", "/api/v1/fault-reports", "operator",
      R"({"customer":"acme","title":"slow VPN","reporter":{"name":"Ann","contact":"ann@acme.example"}})");
  ASSERT_EQ(report.status, 201) << report.body.dump();
  EXPECT_EQ(report.body["reporter"]["contact"], "ann@acme.example");
  const std::string base = "/api/v1/fault-reports/" + report.body["id"].get<std::string>();

  Answer closing = Call("POST", base + "/transition", "operator", R"({"to":"closed"})");
  EXPECT_EQ(closing.status, 409);
  Answer early = Call("POST", base + "/satisfaction", "operator", R"({"score":5})");
  EXPECT_EQ(early.status, 409);
  Answer resolved =
      Call("POST", base + "/transition", "operator",
           R"({"to":"resolved","note":"tunnel MTU fixed","assignee":{"team":"net"}})");
  ASSERT_EQ(resolved.status, 200) << resolved.body.dump();
  EXPECT_EQ(resolved.body["assignee"]["team"], "net");
  EXPECT_FALSE(resolved.body["first_response_at"].is_null());
  Answer bare_close = Call("POST", base + "/transition", "operator", R"({"to":"closed"})");
  EXPECT_EQ(bare_close.status, 400);
  EXPECT_THAT(bare_close.body["error"]["message"].get<std::string>(), HasSubstr("root_cause"));
  Answer closed = Call("POST", base + "/transition", "operator",
                       R"({"to":"closed","root_cause":"MTU","resolution":"set 1400"})");
  ASSERT_EQ(closed.status, 200) << closed.body.dump();
  EXPECT_FALSE(closed.body["closed_at"].is_null());

  Answer score = Call("POST", base + "/satisfaction", "operator", R"({"score":6})");
  EXPECT_EQ(score.status, 400);
  EXPECT_THAT(score.body["error"]["message"].get<std::string>(), HasSubstr("score"));
  Answer unknown = Call("PATCH", base, "operator", R"({"colour":"red"})");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_THAT(unknown.body["error"]["message"].get<std::string>(), HasSubstr("colour"));
  Answer bad_assignee = Call("PATCH", base, "operator", R"({"assignee":{"squad":"x"}})");
  EXPECT_EQ(bad_assignee.status, 400);
  EXPECT_THAT(bad_assignee.body["error"]["message"].get<std::string>(),
              HasSubstr("assignee.squad"));
  Answer edited = Call("PATCH", base, "operator", R"({"category":"network"})");
  ASSERT_EQ(edited.status, 200);
  const Json& last = edited.body["history"].back();
  EXPECT_EQ(last["changes"]["category"]["to"], "network");
  EXPECT_EQ(last["actor"], "user operator-bot");

  Answer listed = Call("GET", "/api/v1/fault-reports?status=closed&category=network", "viewer");
  ASSERT_EQ(listed.status, 200);
  EXPECT_EQ(listed.body["items"].size(), 1u);
  EXPECT_EQ(Call("GET", "/api/v1/fault-reports?status=done", "viewer").status, 400);
}

TEST_F(ApiTest, TheSlaReportNeedsACustomerAndAPeriodAndSpeaksCsv) {
  Answer missing =
      Call("GET", "/api/v1/sla/report?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z", "viewer");
  EXPECT_EQ(missing.status, 400);
  EXPECT_THAT(missing.body["error"]["message"].get<std::string>(), HasSubstr("customer"));
  Answer no_to =
      Call("GET", "/api/v1/sla/report?customer=acme&from=2026-01-01T00:00:00Z", "viewer");
  EXPECT_EQ(no_to.status, 400);
  EXPECT_THAT(no_to.body["error"]["message"].get<std::string>(), HasSubstr("to:"));
  Answer format = Call("GET",
                       "/api/v1/sla/report?customer=acme&from=2026-01-01T00:00:00Z"
                       "&to=2026-02-01T00:00:00Z&format=xml",
                       "viewer");
  EXPECT_EQ(format.status, 400);

  ASSERT_EQ(Call("POST", "/api/v1/fault-reports", "operator",
                 R"({"customer":"acme","title":"printer, again"})")
                .status,
            201);
  HttpRequest request;
  request.method = "GET";
  const std::string from = FormatRfc3339(ToUnixMillis(clock_.Now()) - 3600'000);
  const std::string to = FormatRfc3339(ToUnixMillis(clock_.Now()) + 3600'000);
  request.target = "/api/v1/sla/report?customer=acme&from=" + from + "&to=" + to + "&format=csv";
  request.path = "/api/v1/sla/report";
  request.remote_address = "127.0.0.1";
  request.headers["authorization"] = "Bearer " + tokens_["viewer"];
  HttpResponse csv = router_.Handle(request);
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_THAT(csv.content_type, HasSubstr("text/csv"));
  EXPECT_EQ(std::count(csv.body.begin(), csv.body.end(), '\n'), 2);  // header and the report
  EXPECT_THAT(csv.body, HasSubstr("\nfault_report,fr-"));

  // Item 4 of the outside attack: a category an operator sets, or one that reaches an incident
  // from a host's labels, is shown as text, never run as a formula.
  ASSERT_EQ(
      Call(
          "POST", "/api/v1/fault-reports", "operator",
          R"json({"customer":"acme","title":"t","category":"=HYPERLINK(\"http://evil\",\"x\")"})json")
          .status,
      201);
  ASSERT_EQ(
      Call(
          "POST", "/api/v1/incidents", "admin",
          R"json({"customer":"acme","severity":"high","summary":"s","labels":{"category":"@SUM(1+1)"}})json")
          .status,
      201);
  HttpResponse planted = router_.Handle(request);
  ASSERT_EQ(planted.status, 200) << planted.body;
  EXPECT_THAT(planted.body, HasSubstr(",\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\","));
  EXPECT_THAT(planted.body, HasSubstr(",\"'@SUM(1+1)\","));
  EXPECT_THAT(planted.body, Not(HasSubstr(",=")));
  EXPECT_THAT(planted.body, Not(HasSubstr(",@")));
}

TEST_F(ApiTest, PrometheusDiscoversEachAgentAsATargetOfItsOwn) {
  live_.AgentConnected({"acme", "web-01"},
                       {"web-01.example", "0.1.0", {{"role", "web"}, {"job", "x"}}, 0},
                       ToUnixMillis(clock_.Now()));
  live_.AgentKnown({"globex", "db-01"}, {"db-01.example", "0.1.0", {}, 0});
  Answer targets = Call("GET", "/api/v1/prometheus/targets", "viewer");
  ASSERT_EQ(targets.status, 200) << targets.body.dump();
  // Prometheus's http_sd_config format: an array of {targets, labels}.
  const Json expected = Json::parse(R"([
    {"targets": ["127.0.0.1:9701"],
     "labels": {"__metrics_path__": "/metrics/agents/acme/web-01", "agent": "web-01",
                "customer": "acme", "instance": "web-01", "role": "web"}},
    {"targets": ["127.0.0.1:9701"],
     "labels": {"__metrics_path__": "/metrics/agents/globex/db-01", "agent": "db-01",
                "customer": "globex", "instance": "db-01"}}])");
  EXPECT_EQ(targets.body, expected);

  // Without a token only when api.sd_anonymous is on; a wrong token is refused even then.
  EXPECT_EQ(Call("GET", "/api/v1/prometheus/targets", "").status, 401);
  sd_anonymous_ = true;
  https_ = true;
  Answer open = Call("GET", "/api/v1/prometheus/targets", "");
  ASSERT_EQ(open.status, 200);
  EXPECT_EQ(open.body[0]["labels"]["__scheme__"], "https");
  tokens_["viewer"] = "wrong";
  EXPECT_EQ(Call("GET", "/api/v1/prometheus/targets", "viewer").status, 401);
}

TEST_F(ApiTest, RulesSayWhichAreFleetRulesAndTellRepeatedNamesApart) {
  auto loaded = alerting::ParseRuleFile(R"(groups:
  - name: hosts
    interval: 2m
    rules:
      - {alert: DiskFull, expr: 'node_filesystem_avail_bytes < 10', labels: {severity: warning}}
      - {alert: DiskFull, expr: 'node_filesystem_avail_bytes < 1', labels: {severity: critical}}
      - {alert: ManyDown, expr: 'count(node_load1 > 10) > 3'}
)",
                                        "r.yaml");
  ASSERT_TRUE(loaded.ok());
  alerting_.Reload(config_, {std::move(loaded.config.rules), {}}, {});
  Answer rules = Call("GET", "/api/v1/rules", "viewer");
  ASSERT_EQ(rules.status, 200);
  const Json& items = rules.body["items"];
  ASSERT_EQ(items.size(), 7u);
  EXPECT_EQ(items[4]["key"], "DiskFull");
  EXPECT_EQ(items[5]["name"], "DiskFull");
  EXPECT_EQ(items[5]["key"], "DiskFull#2");
  EXPECT_EQ(items[5]["severity"], "critical");
  EXPECT_EQ(items[5]["group"], "hosts");
  EXPECT_EQ(items[5]["scope"], "agent");
  EXPECT_TRUE(items[5]["interval"].is_null());
  EXPECT_EQ(items[6]["scope"], "fleet");
  EXPECT_EQ(items[6]["interval"], 120.0);
  EXPECT_TRUE(items[0]["group"].is_null());
}

}  // namespace
}  // namespace vigil::collector
