// Rules, incidents, built-in rules, silences, the API and vigilctl with the real binaries: an
// agent reads a fixture tree whose /proc/loadavg the test rewrites.

#include <signal.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/integration/harness.h"
#include "tests/support/http_client.h"
#include "tests/support/wait.h"

namespace vigil::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Json = nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

// An agent that reads only loadavg, from a folder the test controls, every second.
class IncidentsTest : public ::testing::Test {
 protected:
  void SetLoad(double load1) {
    harness_.dir().Write("root/proc/loadavg", std::to_string(load1) + " 0.20 0.30 1/100 1234\n");
  }

  void StartAgent() {
    std::string collectors;
    for (const char* name :
         {"cpu", "diskstats", "entropy", "filefd", "filesystem", "meminfo", "netdev", "netstat",
          "os", "pressure", "sockstat", "stat", "time", "uname", "vmstat"}) {
      collectors += std::string(collectors.empty() ? "" : ", ") + name + ": false";
    }
    harness_.StartAgent("web-01", enrollment_,
                        "health: {interval: 1s, root: " + harness_.dir().File("root") +
                            ", collectors: {" + collectors + "}}\n");
  }

  // Starts a collector with `rules` and the built-ins tuned by `builtin`, and the agent.
  void Start(const std::string& rules, const std::string& builtin = "") {
    SetLoad(0.1);
    harness_.dir().Write("rules.yaml", rules);
    harness_.StartCollector("rules: [rules.yaml]\n" + builtin);
    enrollment_ = harness_.CreateToken("acme");
    viewer_ = harness_.CreateApiToken("viewer", "grafana");
    operator_ = harness_.CreateApiToken("operator", "oncall-ann");
    StartAgent();
    ASSERT_TRUE(harness_.WaitForValue("node_load1", {{"agent", "web-01"}}))
        << harness_.agent().Stderr() << harness_.collector().Stderr();
  }

  Json Api(const std::string& target) {
    HttpResult result = HttpCall(harness_.http_port(), "GET", target, "", viewer_);
    Json body = Json::parse(result.body, nullptr, false);
    return result.status == 200 ? body : Json();
  }

  std::vector<Json> Incidents(const std::string& query) {
    Json page = Api("/api/v1/incidents?" + query);
    if (!page.is_object()) return {};
    return std::vector<Json>(page["items"].begin(), page["items"].end());
  }

  // Waits for the only incident of `rule` to be in `state`, and returns it with its timeline.
  Json WaitForIncident(const std::string& rule, const std::string& state,
                       milliseconds timeout = seconds(20)) {
    Json found;
    WaitFor(
        [&] {
          auto incidents = Incidents("rule=" + rule);
          if (incidents.size() != 1 || incidents[0]["state"] != state) return false;
          found = Api("/api/v1/incidents/" + incidents[0]["id"].get<std::string>());
          return true;
        },
        timeout);
    return found;
  }

  static std::vector<std::string> TimelineTypes(const Json& incident) {
    std::vector<std::string> types;
    for (const Json& entry : incident["timeline"]) types.push_back(entry["type"]);
    return types;
  }

  Harness harness_;
  std::string enrollment_;
  std::string viewer_;
  std::string operator_;
};

TEST_F(IncidentsTest, HighLoadOpensSurvivesAKillIsAcknowledgedAndResolvesItself) {
  Start(R"(rules:
  - name: HighLoad
    expr: node_load1 > 4
    for: 2s
    keep_firing_for: 3s
    severity: critical
    annotations: {summary: "load {{ $value }} on {{ $labels.agent }}"}
)");
  SetLoad(5.5);
  // One agent interval for the sample, then `for`: the incident must be open within for + 2s.
  Json incident = WaitForIncident("HighLoad", "firing", seconds(4));
  ASSERT_TRUE(incident.is_object()) << harness_.collector().Stderr();
  EXPECT_EQ(incident["customer"], "acme");
  EXPECT_EQ(incident["agent"], "web-01");
  EXPECT_EQ(incident["severity"], "critical");
  EXPECT_EQ(incident["summary"], "load 5.5 on web-01");
  const std::string id = incident["id"];

  ASSERT_EQ(harness_.StopCollector(SIGKILL), 128 + SIGKILL);
  harness_.StartCollector("rules: [rules.yaml]\n");
  Json after = Api("/api/v1/incidents/" + id);
  ASSERT_TRUE(after.is_object());
  EXPECT_EQ(after["timeline"], incident["timeline"]);
  EXPECT_EQ(after["started_at"], incident["started_at"]);

  CommandResult ack = harness_.Vigilctl({"incidents", "ack", id, "--note", "on it"}, operator_);
  ASSERT_EQ(ack.exit_code, 0) << ack.err;
  EXPECT_THAT(ack.out, HasSubstr("acknowledged"));
  CommandResult note =
      harness_.Vigilctl({"incidents", "note", id, "disk full on /var, cleaning"}, operator_);
  ASSERT_EQ(note.exit_code, 0) << note.err;
  // A viewer may read but not write; the message says why.
  CommandResult refused = harness_.Vigilctl({"incidents", "resolve", id}, viewer_);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("needs the operator role"));

  SetLoad(0.5);
  Json resolved = WaitForIncident("HighLoad", "resolved");
  ASSERT_TRUE(resolved.is_object()) << harness_.collector().Stderr();
  EXPECT_EQ(resolved["id"], id);
  EXPECT_EQ(resolved["resolved_by"], "rule");
  EXPECT_EQ(resolved["acknowledged_by"], "user oncall-ann");
  EXPECT_THAT(TimelineTypes(resolved), ElementsAre("fired", "acknowledged", "note", "resolved"));
  EXPECT_EQ(resolved["timeline"][2]["text"], "disk full on /var, cleaning");

  CommandResult shown = harness_.Vigilctl({"incidents", "show", id, "--output", "json"}, viewer_);
  ASSERT_EQ(shown.exit_code, 0);
  EXPECT_EQ(Json::parse(shown.out), resolved);  // json prints the API's object unchanged
}

TEST_F(IncidentsTest, FlappingWithinKeepFiringForIsOneIncident) {
  Start(R"(rules:
  - {name: Flappy, expr: node_load1 > 4, keep_firing_for: 5s}
)");
  for (int i = 0; i < 10; ++i) {
    SetLoad(i % 2 == 0 ? 6 : 1);
    std::this_thread::sleep_for(seconds(1));  // the input itself changes once a second
  }
  SetLoad(1);
  ASSERT_TRUE(WaitForIncident("Flappy", "resolved").is_object()) << harness_.collector().Stderr();
  EXPECT_EQ(Incidents("rule=Flappy").size(), 1u);
}

TEST_F(IncidentsTest, AKilledAgentIsDownAndAStoppedOneIsOnlyStopped) {
  Start("rules: []\n", "builtin_rules: {agent_down_after: 2s}\n");
  harness_.agent().Signal(SIGKILL);
  harness_.agent().Wait(seconds(10));
  Json down = WaitForIncident("AgentDown", "firing", seconds(4));
  ASSERT_TRUE(down.is_object()) << harness_.collector().Stderr();
  EXPECT_EQ(down["severity"], "high");
  StartAgent();
  ASSERT_TRUE(WaitForIncident("AgentDown", "resolved").is_object());

  harness_.agent().Signal(SIGTERM);
  ASSERT_EQ(harness_.agent().Wait(seconds(15)), 0);
  Json stopped = WaitForIncident("AgentStopped", "firing", seconds(4));
  ASSERT_TRUE(stopped.is_object()) << harness_.collector().Stderr();
  EXPECT_EQ(stopped["severity"], "low");
  EXPECT_EQ(Incidents("rule=AgentDown").size(), 1u);  // no AgentDown for a planned stop
  StartAgent();
  EXPECT_TRUE(WaitForIncident("AgentStopped", "resolved").is_object());
}

TEST_F(IncidentsTest, ASilenceMadeWithVigilctlMarksANewIncidentSilenced) {
  Start("rules: [{name: HighLoad, expr: node_load1 > 4}]\n");
  CommandResult added = harness_.Vigilctl(
      {"silences", "add", "customer=\"acme\"", "--duration", "1h", "--comment", "maintenance"},
      operator_);
  ASSERT_EQ(added.exit_code, 0) << added.err;
  CommandResult listed = harness_.Vigilctl({"silences", "list", "--output", "csv"}, viewer_);
  EXPECT_THAT(listed.out, HasSubstr("active,\"customer=\"\"acme\"\"\""));
  SetLoad(9);
  Json incident = WaitForIncident("HighLoad", "firing");
  ASSERT_TRUE(incident.is_object());
  EXPECT_TRUE(incident["silenced"].get<bool>());
  EXPECT_THAT(TimelineTypes(incident), ElementsAre("fired", "silenced"));
  CommandResult table = harness_.Vigilctl({"incidents", "list", "--state", "open"}, viewer_);
  EXPECT_THAT(table.out, HasSubstr("HighLoad"));
}

TEST_F(IncidentsTest, AnAdminOpensAManualIncidentWithVigilctlAndASilenceOfItsLabelsMarksIt) {
  Start("rules: []\n");
  ASSERT_EQ(harness_
                .Vigilctl({"silences", "add", "service=\"shop\"", "--duration", "1h", "--comment",
                           "migration"},
                          operator_)
                .exit_code,
            0);
  const std::vector<std::string> open = {
      "incidents",  "open",         "--customer", "acme",
      "--severity", "medium",       "--summary",  "customer reports slow checkout",
      "--label",    "service=shop", "--output",   "json"};
  CommandResult refused = harness_.Vigilctl(open, operator_);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("admin"));
  CommandResult opened = harness_.Vigilctl(open, harness_.admin_token());
  ASSERT_EQ(opened.exit_code, 0) << opened.err;
  const Json incident = Json::parse(opened.out);
  EXPECT_EQ(incident["source"], "manual");
  EXPECT_EQ(incident["state"], "firing");
  EXPECT_EQ(incident["customer"], "acme");
  EXPECT_EQ(incident["labels"]["service"], "shop");
  EXPECT_TRUE(incident["silenced"].get<bool>());
  CommandResult bad_label =
      harness_.Vigilctl({"incidents", "open", "--customer", "acme", "--severity", "low",
                         "--summary", "x", "--label", "service"},
                        harness_.admin_token());
  EXPECT_EQ(bad_label.exit_code, 2);
  EXPECT_THAT(bad_label.err, HasSubstr("expected NAME=VALUE"));
}

TEST_F(IncidentsTest, TheApiBoundsBodiesAndNamesWhatIsWrong) {
  Start("rules: []\n");
  const std::string big = "{\"text\": \"" + std::string(2 << 20, 'x') + "\"}";
  HttpResult oversized =
      HttpCall(harness_.http_port(), "POST", "/api/v1/incidents/inc-x/notes", big, operator_);
  EXPECT_EQ(oversized.status, 413);
  HttpResult malformed =
      HttpCall(harness_.http_port(), "POST", "/api/v1/silences", "{\"matchers\": [", operator_);
  EXPECT_EQ(malformed.status, 400);
  EXPECT_THAT(malformed.body, HasSubstr("malformed JSON at byte"));
  HttpResult anonymous = HttpCall(harness_.http_port(), "GET", "/api/v1/incidents");
  EXPECT_EQ(anonymous.status, 401);
  CommandResult no_server = RunCommand(
      {VIGIL_VIGILCTL_BINARY, "--server", "http://127.0.0.1:1", "--token", "x", "rules", "list"});
  EXPECT_EQ(no_server.exit_code, 3);
  CommandResult usage = harness_.Vigilctl({"incidents", "ack"}, viewer_);
  EXPECT_EQ(usage.exit_code, 2);
}

TEST_F(IncidentsTest, SighupReloadsTheRuleFilesAndKeepsTheRunningOnesWhenTheyAreBroken) {
  Start("rules: [{name: HighLoad, expr: node_load1 > 4}]\n");
  SetLoad(9);
  ASSERT_TRUE(WaitForIncident("HighLoad", "firing").is_object());
  harness_.dir().Write("rules.yaml",
                       "rules: [{name: HighLoad, expr: node_load1 > 4},"
                       " {name: LoadVeryHigh, expr: node_load1 > 8}]\n");
  harness_.collector().Signal(SIGHUP);
  ASSERT_TRUE(WaitFor([&] { return Incidents("rule=LoadVeryHigh").size() == 1; }))
      << harness_.collector().Stderr();
  EXPECT_EQ(Incidents("rule=HighLoad").size(), 1u);  // the firing alert carried over

  harness_.dir().Write("rules.yaml", "rules: [{name: Broken, expr: node_load1 >}]\n");
  harness_.collector().Signal(SIGHUP);
  ASSERT_TRUE(WaitFor([&] {
    return harness_.collector().Stderr().find("keeping the running one") != std::string::npos;
  }));
  EXPECT_THAT(harness_.collector().Stderr(), HasSubstr("rules[0].expr: expected an expression"));
  Json rules = Api("/api/v1/rules?state=firing");
  EXPECT_EQ(rules["items"].size(), 2u);
}

TEST(IncidentsHttps, VigilctlTalksToAnHttpsListenerWithItsCa) {
  Harness harness;
  harness.StartCollector(
      "listen: {ingest: \"127.0.0.1:0\", http: \"127.0.0.1:0\", http_tls: {cert_file: "
      "pki/collector.pem, key_file: pki/collector.key}}\n");
  const std::string server = "https://localhost:" + std::to_string(harness.http_port());
  CommandResult listed = RunCommand({VIGIL_VIGILCTL_BINARY, "--server", server, "--ca-file",
                                     harness.dir().File("pki/ca.pem"), "--token",
                                     harness.admin_token(), "rules", "list", "--output", "json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr("\"AgentDown\""));
  CommandResult unverified = RunCommand({VIGIL_VIGILCTL_BINARY, "--server", server, "--token",
                                         harness.admin_token(), "rules", "list"});
  EXPECT_EQ(unverified.exit_code, 3);  // the self-made CA is not trusted without --ca-file
  EXPECT_EQ(HttpGet(harness.http_port(), "/metrics").status, 0);  // no plain HTTP
}

}  // namespace
}  // namespace vigil::testing
