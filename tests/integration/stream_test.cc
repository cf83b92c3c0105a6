// The walking skeleton end to end: real binaries, real TLS, a token from `token create`.

#include <signal.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/integration/harness.h"
#include "tests/support/http_client.h"
#include "tests/support/wait.h"

namespace vigil::testing {
namespace {

using ::testing::HasSubstr;

const std::map<std::string, std::string> kWebAcme = {{"agent", "web-01"}, {"customer", "acme"}};

// In one scrape: the agent's own count of batches produced (carried in its latest applied batch)
// and the collector's count of batches applied from it. Both present and equal means every batch
// arrived and none was applied twice.
struct Counts {
  std::optional<double> produced;
  std::optional<double> applied;
  bool Equal() const { return produced && applied && *produced == *applied; }
};

Counts CountsOf(const ParsedExposition& scrape) {
  return {scrape.Value("vigil_agent_batches_produced_total", kWebAcme),
          scrape.Value("vigil_collector_batches_applied_total", kWebAcme)};
}

// Starts a collector and agent web-01 of customer acme, and waits until three batches are applied.
// Returns the agent's token, or empty when streaming did not start.
std::string StartStreaming(Harness& harness) {
  harness.StartCollector();
  const std::string token = harness.CreateToken("acme");
  harness.StartAgent("web-01", token);
  if (!harness.WaitForValue("vigil_collector_batches_applied_total", kWebAcme,
                            [](double v) { return v >= 3; })) {
    return {};
  }
  return token;
}

TEST(Stream, AgentSeriesReachMetricsWithAgentAndCustomerLabels) {
  Harness harness;
  harness.StartCollector();
  const std::string token = harness.CreateToken("acme");
  harness.StartAgent("web-01", token, "agent: {id: web-01, labels: {role: web}}\n");
  std::optional<double> load = harness.WaitForValue(
      "node_load1", {{"agent", "web-01"}, {"customer", "acme"}, {"role", "web"}});
  ASSERT_TRUE(load.has_value()) << harness.agent().Stderr() << harness.collector().Stderr();
  EXPECT_GE(*load, 0);
  ParsedExposition scrape = harness.Scrape();
  EXPECT_EQ(scrape.Value("vigil_collector_agents_connected"), 1);
  EXPECT_EQ(scrape.types.at("node_cpu_seconds_total"), "counter");
  EXPECT_FALSE(scrape.Find("node_memory_MemAvailable_bytes", kWebAcme).empty());
  EXPECT_FALSE(scrape.Find("node_filesystem_size_bytes", {{"agent", "web-01"}, {"mountpoint", "/"}})
                   .empty());
  EXPECT_FALSE(
      scrape.Find("node_network_receive_bytes_total", {{"agent", "web-01"}, {"device", "lo"}})
          .empty());
  EXPECT_EQ(
      scrape.Value("vigil_agent_collector_success", {{"agent", "web-01"}, {"collector", "netdev"}}),
      1);
}

TEST(Stream, CollectorKilledAndRestartedLosesNothingAndAppliesNothingTwice) {
  Harness harness;
  const std::string token = StartStreaming(harness);
  ASSERT_FALSE(token.empty());
  const double before_kill = *CountsOf(harness.Scrape()).applied;

  ASSERT_EQ(harness.StopCollector(SIGKILL), 128 + SIGKILL);
  // While the collector is away the agent keeps producing into its spool.
  ASSERT_TRUE(WaitFor(
      [&] { return harness.agent().Stderr().find("collector connection:") != std::string::npos; }));
  harness.StartCollector();

  // The agent reconnects by itself and delivers everything, including what it spooled.
  Counts counts;
  ASSERT_TRUE(WaitFor([&] {
    counts = CountsOf(harness.Scrape());
    return counts.Equal() && *counts.applied >= before_kill + 3;
  })) << "produced "
      << counts.produced.value_or(-1) << " applied " << counts.applied.value_or(-1) << "\n"
      << harness.agent().Stderr();
  // And the two stay equal, scrape after scrape, as new batches stream in.
  for (int i = 0; i < 5; ++i) {
    const double previous = *counts.applied;
    ASSERT_TRUE(WaitFor([&] {
      counts = CountsOf(harness.Scrape());
      return counts.applied && *counts.applied > previous;
    }));
    EXPECT_TRUE(counts.Equal()) << "produced " << counts.produced.value_or(-1) << " applied "
                                << counts.applied.value_or(-1);
  }
}

TEST(Stream, AgentWhoseSpoolWasLostIsRenumberedInsteadOfSkipped) {
  Harness harness;
  const std::string token = StartStreaming(harness);
  ASSERT_FALSE(token.empty());
  harness.agent().Signal(SIGKILL);
  harness.agent().Wait(std::chrono::seconds(10));
  std::filesystem::remove_all(harness.dir().File("agent"));  // the spool, as after a reinstall
  const double applied = *CountsOf(harness.Scrape()).applied;

  harness.StartAgent("web-01", token);
  Counts counts;
  EXPECT_TRUE(WaitFor([&] {
    counts = CountsOf(harness.Scrape());
    return counts.Equal() && *counts.applied > applied + 1;
  })) << harness.agent().Stderr();
  EXPECT_THAT(harness.agent().Stderr(), HasSubstr("renumbering"));
}

TEST(Stream, AFailingProbeReachesTheCollectorAtOnceAsAnEvent) {
  Harness harness;
  harness.StartCollector();
  // Health every hour: only the probe's own event can bring its failure within the test.
  harness.StartAgent("web-01", harness.CreateToken("acme"),
                     "health: {interval: 1h}\n"
                     "probes: [{name: ghost, type: process, process_name: vigil-no-such-process, "
                     "interval: 1s}]\n");
  EXPECT_TRUE(harness.WaitForValue("vigil_collector_events_received_total", {}, [](double v) {
    return v >= 1;
  })) << harness.agent().Stderr();
  EXPECT_EQ(harness.Scrape().Value("vigil_probe_success",
                                   {{"agent", "web-01"}, {"probe", "ghost"}, {"type", "process"}}),
            0);
  EXPECT_EQ(harness.Scrape().Value("vigil_probe_process_count", {{"probe", "ghost"}}), 0);
  EXPECT_THAT(harness.agent().Stderr(), HasSubstr("probe ghost (process) failed"));
}

TEST(Stream, SecretsNeverAppearInEitherLog) {
  Harness harness;
  harness.StartCollector("log: {level: debug}\n");
  const std::string token = harness.CreateToken("acme");
  harness.StartAgent("web-01", token, "log: {level: debug}\n");
  ASSERT_TRUE(harness.WaitForValue("vigil_collector_batches_applied_total", kWebAcme));
  EXPECT_FALSE(ContainsSecret(harness.agent().Stderr(), token));
  EXPECT_FALSE(ContainsSecret(harness.collector().Stderr(), token));
}

TEST(Stream, AgentDrainsAndSaysGoodbyeOnSigterm) {
  Harness harness;
  harness.StartCollector();
  harness.StartAgent("web-01", harness.CreateToken("acme"));
  ASSERT_TRUE(harness.WaitForValue("vigil_collector_agent_connected", kWebAcme,
                                   [](double v) { return v == 1; }));
  harness.agent().Signal(SIGTERM);
  EXPECT_EQ(harness.agent().Wait(std::chrono::seconds(15)), 0);
  EXPECT_TRUE(WaitFor([&] {
    return harness.collector().Stderr().find("agent said goodbye (shutdown)") != std::string::npos;
  })) << harness.collector().Stderr();
  EXPECT_EQ(harness.Scrape().Value("vigil_collector_agent_connected", kWebAcme), 0);
  EXPECT_EQ(harness.Scrape().Value("vigil_collector_agents_connected"), 0);
}

TEST(Stream, CollectorStopsCleanlyOnSigtermAndReportsNotReadyMeanwhile) {
  Harness harness;
  harness.StartCollector();
  EXPECT_EQ(HttpGet(harness.http_port(), "/readyz").status, 200);
  EXPECT_EQ(HttpGet(harness.http_port(), "/healthz").body, "ok\n");
  EXPECT_EQ(harness.StopCollector(SIGTERM), 0);
  EXPECT_THAT(harness.collector().Stderr(), HasSubstr("stopped"));
}

TEST(Stream, SighupAppliesNewAgentLabels) {
  Harness harness;
  harness.StartCollector();
  const std::string token = harness.CreateToken("acme");
  harness.StartAgent("web-01", token, "agent: {id: web-01, labels: {role: web}}\n");
  ASSERT_TRUE(harness.WaitForValue("node_load1", {{"agent", "web-01"}, {"role", "web"}}));
  harness.WriteAgentConfig("web-01", token, "agent: {id: web-01, labels: {role: db}}\n");
  harness.agent().Signal(SIGHUP);
  EXPECT_TRUE(harness.WaitForValue("node_load1", {{"agent", "web-01"}, {"role", "db"}}))
      << harness.agent().Stderr();
}

TEST(Stream, SighupWithAnInvalidConfigKeepsTheCollectorRunning) {
  Harness harness;
  harness.StartCollector();
  harness.dir().Write("collector.yaml", "tls: {cert_file: [oops]}\n");
  harness.collector().Signal(SIGHUP);
  ASSERT_TRUE(WaitFor([&] {
    return harness.collector().Stderr().find("keeping the running one") != std::string::npos;
  }));
  EXPECT_THAT(harness.collector().Stderr(), HasSubstr("tls.cert_file: expected a single value"));
  EXPECT_EQ(HttpGet(harness.http_port(), "/readyz").status, 200);
}

TEST(Stream, PromtoolFindsNoProblemWithTheCollectorsMetrics) {
  Harness harness;
  harness.StartCollector();
  harness.StartAgent("web-01", harness.CreateToken("acme"));
  ASSERT_TRUE(harness.WaitForValue("vigil_agent_batches_produced_total", kWebAcme));
  const std::string scrape = harness.ScrapeText();
  EXPECT_THAT(PromtoolProblems(harness.dir(), scrape), ::testing::IsEmpty());
  EXPECT_NE(scrape.find("node_memory_MemAvailable_bytes{"), std::string::npos);

  // The agent's own target: its series without target labels, as clean.
  HttpResult target = HttpGet(harness.http_port(), "/metrics/agents/acme/web-01");
  ASSERT_EQ(target.status, 200);
  EXPECT_THAT(PromtoolProblems(harness.dir(), target.body), ::testing::IsEmpty());
  EXPECT_NE(target.body.find("\nnode_memory_MemAvailable_bytes "), std::string::npos);
  EXPECT_EQ(target.body.find("customer=\""), std::string::npos);
  EXPECT_EQ(HttpGet(harness.http_port(), "/metrics/agents/acme/nobody").status, 404);
  // One customer's agents only, without the collector's own families.
  const std::string acme = HttpGet(harness.http_port(), "/metrics?customer=acme").body;
  EXPECT_THAT(PromtoolProblems(harness.dir(), acme), ::testing::IsEmpty());
  EXPECT_NE(acme.find("node_memory_MemAvailable_bytes{"), std::string::npos);
  EXPECT_EQ(acme.find("vigil_collector_build_info"), std::string::npos);
  EXPECT_EQ(HttpGet(harness.http_port(), "/metrics?customer=globex").body.find("node_"),
            std::string::npos);
  // The collector's own families alone, for a Prometheus that scrapes the agents as targets.
  const std::string own = HttpGet(harness.http_port(), "/metrics/collector").body;
  EXPECT_THAT(PromtoolProblems(harness.dir(), own), ::testing::IsEmpty());
  EXPECT_NE(own.find("vigil_collector_build_info"), std::string::npos);
  EXPECT_NE(own.find("vigil_collector_agent_connected{"), std::string::npos);
  EXPECT_EQ(own.find("node_"), std::string::npos);
}

}  // namespace
}  // namespace vigil::testing
