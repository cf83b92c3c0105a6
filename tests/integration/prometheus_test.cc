// The fleet through a real Prometheus (Debian's package): HTTP service discovery makes each agent
// a target of its own, with its own instance, and a killed agent's target goes down (up == 0)
// while the other stays up — exactly as for a dead node_exporter.

#include <signal.h>

#include <chrono>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/integration/harness.h"
#include "tests/integration/prometheus_server.h"
#include "tests/support/http_client.h"
#include "tests/support/wait.h"
#include "tests/support/webhook_receiver.h"

namespace vigil::testing {
namespace {

using Json = nlohmann::json;
using std::chrono::seconds;

class PrometheusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    harness_.StartCollector();
    viewer_ = harness_.CreateApiToken("viewer", "prometheus");
    const std::string token = harness_.CreateToken("acme");
    harness_.StartAgent("web-01", token, "agent: {id: web-01, labels: {role: web}}\n");
    ASSERT_TRUE(harness_.WaitForValue("vigil_collector_agent_connected", {{"agent", "web-01"}},
                                      [](double v) { return v == 1; }));
    // A second agent of the same customer.
    second_agent_ = harness_.StartAnotherAgent("db-01", token);
    ASSERT_TRUE(harness_.WaitForValue("vigil_collector_agent_connected", {{"agent", "db-01"}},
                                      [](double v) { return v == 1; }));
    prometheus_ = std::make_unique<PrometheusServer>(harness_, viewer_);
    ASSERT_TRUE(prometheus_->problem().empty()) << prometheus_->problem();
    prometheus_port_ = prometheus_->port();
  }

  std::vector<PrometheusServer::Series> Query(const std::string& promql) {
    return prometheus_->Query(promql);
  }

  std::optional<double> Up(const std::string& instance) {
    auto result = Query("up{job=\"vigil-agents\",instance=\"" + instance + "\"}");
    if (result.size() != 1) return std::nullopt;
    return result[0].second;
  }

  // The values of up{instance} scraped after `since` (Unix seconds), oldest first.
  std::vector<double> UpSamplesSince(const std::string& instance, double since) {
    HttpResult result = HttpGet(
        prometheus_port_, "/api/v1/query?query=" + UrlEncode("up{job=\"vigil-agents\",instance=\"" +
                                                             instance + "\"}[1m]"));
    std::vector<double> out;
    Json body = Json::parse(result.body, nullptr, false);
    if (!body.is_object() || body.value("status", "") != "success" ||
        body["data"]["result"].size() != 1)
      return out;
    for (const Json& sample : body["data"]["result"][0]["values"]) {
      if (sample[0].get<double>() > since) out.push_back(std::stod(sample[1].get<std::string>()));
    }
    return out;
  }

  Harness harness_;
  std::string viewer_;
  std::unique_ptr<Process> second_agent_;
  std::uint16_t prometheus_port_ = 0;
  std::unique_ptr<PrometheusServer> prometheus_;
};

TEST_F(PrometheusTest, EachAgentIsATargetOfItsOwnAndAKilledOneIsDownWithinTwoScrapes) {
  const auto collector_up = [&] {
    auto result = Query("up{job=\"vigil-collector\"}");
    return result.size() == 1 ? std::optional<double>(result[0].second) : std::nullopt;
  };
  ASSERT_TRUE(WaitFor(
      [&] {
        return Up("web-01") == 1.0 && Up("db-01") == 1.0 && collector_up() == 1.0 &&
               !Query("node_load1{instance=\"web-01\"}").empty() &&
               !Query("node_load1{instance=\"db-01\"}").empty();
      },
      seconds(30)))
      << prometheus_->process().Stderr();

  // Exactly one series per host, with the target labels Prometheus took from discovery.
  auto load = Query("node_load1{instance=\"web-01\"}");
  ASSERT_EQ(load.size(), 1u);
  EXPECT_EQ(load[0].first["job"], "vigil-agents");
  EXPECT_EQ(load[0].first["agent"], "web-01");
  EXPECT_EQ(load[0].first["customer"], "acme");
  EXPECT_EQ(load[0].first["role"], "web");
  EXPECT_EQ(Query("node_load1{instance=\"db-01\"}").size(), 1u);
  // The collector's own job has no agent's series: they would arrive twice.
  EXPECT_EQ(Query("node_load1{job=\"vigil-collector\"}").size(), 0u);

  // Killed: its stream breaks, its target answers 503, and Prometheus records up == 0. Prometheus's
  // own sample timestamps tell how many scrapes after the kill still said 1: at most one (a scrape
  // already under way), so the first or the second scrape after the kill records the host down.
  const double killed_at =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  harness_.agent().Signal(SIGKILL);
  ASSERT_TRUE(WaitFor([&] { return Up("web-01") == 0.0; }, seconds(10)))
      << "up{instance=\"web-01\"} is " << Up("web-01").value_or(-1);
  const auto after_kill = UpSamplesSince("web-01", killed_at);
  ASSERT_FALSE(after_kill.empty());
  int still_up = 0;
  for (const double value : after_kill) {
    if (value == 0.0) break;
    ++still_up;
  }
  EXPECT_LE(still_up, 1) << "scrapes that still said up after the kill";
  EXPECT_EQ(Up("db-01"), 1.0);
}

}  // namespace
}  // namespace vigil::testing
