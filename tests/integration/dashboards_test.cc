// Vigil's Grafana dashboards and Prometheus rules against a real Prometheus (Debian's package):
// with a collector holding two agents (one with security findings), open, acknowledged, resolved
// and breached incidents and a rated fault report, every panel query of the four dashboards
// (packaging/grafana/dashboards) returns data, and promtool accepts every recording and alert rule
// (packaging/prometheus/vigil-rules.yml), whose recorded series the panels read.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <regex>

#include "tests/integration/harness.h"
#include "tests/integration/prometheus_server.h"
#include "tests/support/http_client.h"
#include "tests/support/wait.h"
#include "tests/support/webhook_receiver.h"

namespace vigil::testing {
namespace {

using Json = nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kRules = VIGIL_SOURCE_DIR "/packaging/prometheus/vigil-rules.yml";
constexpr const char* kDashboards = VIGIL_SOURCE_DIR "/packaging/grafana/dashboards";

// Incidents of severity critical breach their response target within a second; high ones are at
// risk at once (a tiny at_risk share of an hour) and breach only after it.
constexpr const char* kCollectorYaml = R"(rules: [rules.yaml]
notifications:
  receivers: [{name: oncall, type: webhook, url: "http://127.0.0.1:RECEIVER_PORT/hook"}]
  route: {receiver: oncall}
sla:
  check_interval: 200ms
  policies:
    - customer: "*"
      calendar: 24x7
      at_risk: 0.0001
      targets:
        - {kind: incident, severity: critical, response: 1s, resolution: 1h}
        - {kind: incident, severity: high, response: 1h, resolution: 2h}
        - {kind: fault, response: 1h, resolution: 8h}
limits: {api_requests_per_second: 100000, api_request_burst: 100000}
)";

struct PanelQuery {
  std::string dashboard;
  std::string panel;
  std::string expr;
};

// Every target of every panel, with the dashboards' variables as "All" would set them.
std::vector<PanelQuery> PanelQueries() {
  std::vector<PanelQuery> queries;
  for (const auto& entry : fs::directory_iterator(kDashboards)) {
    const Json dashboard = Json::parse(ReadFile(entry.path().string()));
    for (const Json& panel : dashboard["panels"]) {
      for (const Json& target : panel["targets"]) {
        std::string expr = target["expr"];
        expr = std::regex_replace(expr, std::regex("\\$customer"), ".*");
        queries.push_back({dashboard["title"], panel["title"], expr});
      }
    }
  }
  return queries;
}

class DashboardsTest : public ::testing::Test {
 protected:
  Json Call(const std::string& method, const std::string& target, const Json& body = nullptr) {
    HttpResult result = HttpCall(harness_.http_port(), method, target,
                                 body.is_null() ? "" : body.dump(), harness_.admin_token());
    EXPECT_LT(result.status, 300) << method << " " << target << ": " << result.body;
    return Json::parse(result.body, nullptr, false);
  }

  Harness harness_;
};

TEST_F(DashboardsTest, PromtoolAcceptsEveryRecordingAndAlertRule) {
  const CommandResult checked = RunCommand({"promtool", "check", "rules", kRules});
  EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;
  EXPECT_THAT(checked.out, ::testing::HasSubstr("SUCCESS"));
}

TEST_F(DashboardsTest, EveryPanelQueryOfTheFourDashboardsFindsData) {
  const std::vector<PanelQuery> queries = PanelQueries();
  ASSERT_GE(queries.size(), 30u) << "four dashboards' worth of panels";

  harness_.dir().Write("rules.yaml",
                       "rules: [{name: LoadSeen, expr: node_load1 > -1, severity: high}]\n");
  // Pages go to a receiver of the test's, so that notification results exist.
  WebhookReceiver receiver;
  std::string collector_yaml = kCollectorYaml;
  collector_yaml.replace(collector_yaml.find("RECEIVER_PORT"), 13, std::to_string(receiver.port()));
  harness_.StartCollector(collector_yaml);
  const std::string viewer = harness_.CreateApiToken("viewer", "prometheus");
  const std::string enrollment = harness_.CreateToken("acme");
  // web-01 scans a host tree with known weaknesses; db-01 scans nothing.
  harness_.StartAgent("web-01", enrollment,
                      "security: {interval: 2s, root: " VIGIL_SOURCE_DIR
                      "/tests/agent/fixtures/security/vulnerable}\n");
  auto db = harness_.StartAnotherAgent("db-01", enrollment);
  ASSERT_TRUE(harness_.WaitForValue("vigil_collector_agent_connected", {{"agent", "web-01"}},
                                    [](double v) { return v == 1; }))
      << harness_.agent().Stderr();
  ASSERT_TRUE(harness_.WaitForValue("vigil_collector_agent_connected", {{"agent", "db-01"}},
                                    [](double v) { return v == 1; }))
      << db->Stderr();

  // An incident acknowledged and resolved (response and resolution times), a critical one left to
  // breach, the rule's high ones left at risk, and a fault report resolved and rated.
  const std::string handled =
      Call("POST", "/api/v1/incidents",
           {{"customer", "acme"}, {"severity", "high"}, {"summary", "disk full"}})["id"];
  Call("POST", "/api/v1/incidents/" + handled + "/ack", {{"note", "on it"}});
  Call("POST", "/api/v1/incidents/" + handled + "/resolve", {{"note", "cleaned /var/log"}});
  Call("POST", "/api/v1/incidents",
       {{"customer", "acme"}, {"severity", "critical"}, {"summary", "db down"}});
  const std::string report =
      Call("POST", "/api/v1/fault-reports",
           {{"customer", "acme"}, {"title", "VPN drops"}, {"severity", "high"}})["id"];
  for (const char* to : {"in_progress", "resolved"}) {
    Call("POST", "/api/v1/fault-reports/" + report + "/transition", {{"to", to}});
  }
  Call("POST", "/api/v1/fault-reports/" + report + "/satisfaction", {{"score", 4}});
  Call("POST", "/api/v1/fault-reports",
       {{"customer", "acme"}, {"title", "slow portal"}, {"severity", "medium"}});

  PrometheusServer prometheus(harness_, viewer, {kRules});
  ASSERT_TRUE(prometheus.problem().empty()) << prometheus.problem();

  // Rates over 5m need two scrapes of each host; the findings need the first scan. Then every
  // panel must answer.
  std::vector<std::string> empty;
  WaitFor(
      [&] {
        empty.clear();
        for (const PanelQuery& query : queries) {
          if (prometheus.Query(query.expr).empty())
            empty.push_back(query.dashboard + " / " + query.panel);
        }
        return empty.empty();
      },
      std::chrono::seconds(60));
  for (const std::string& panel : empty) ADD_FAILURE() << "no data for " << panel;
  for (const PanelQuery& query : queries) {
    const HttpResult raw = prometheus.QueryRaw(query.expr);
    EXPECT_EQ(raw.status, 200) << query.dashboard << " / " << query.panel << ": " << raw.body;
  }
  db->Signal(SIGTERM);
}

}  // namespace
}  // namespace vigil::testing
