#include "collector/live_state.h"

#include <gtest/gtest.h>

#include "collector/metrics_text.h"
#include "common/exposition.h"
#include "common/metric_builder.h"
#include "tests/support/exposition_parser.h"

namespace vigil::collector {
namespace {

const AgentKey kWeb{"acme", "web-01"};
const AgentKey kDb{"globex", "db-01"};

wire::Batch BatchOf(const std::string& source, std::vector<wire::MetricFamily> families,
                    std::uint64_t sequence = 1) {
  wire::Batch batch;
  batch.set_sequence(sequence);
  wire::Snapshot* snapshot = batch.add_snapshots();
  snapshot->set_source(source);
  for (auto& family : families) *snapshot->add_families() = std::move(family);
  return batch;
}

wire::MetricFamily Gauge(const std::string& name, double value, const LabelPairs& labels = {}) {
  auto family = MakeFamily(name, "help", wire::METRIC_TYPE_GAUGE);
  AddSeries(family, value, labels);
  return family;
}

testing::ParsedExposition Scrape(const LiveState& live) {
  return testing::ParseExposition(RenderText(live.Collect()));
}

TEST(LiveState, AddsAgentCustomerAndAgentLabelsToEverySeries) {
  LiveState live({});
  live.AgentConnected(kWeb, {"host", "1", {{"role", "web"}}, 0});
  live.ApplyBatch(kWeb, BatchOf("health", {Gauge("node_load1", 0.5)}), 1000);
  auto scrape = Scrape(live);
  EXPECT_EQ(scrape.Value("node_load1", {{"agent", "web-01"}, {"customer", "acme"}, {"role", "web"}}),
            0.5);
}

TEST(LiveState, RenamesSeriesLabelsThatCollideWithTargetLabels) {
  LiveState live({});
  live.AgentConnected(kWeb, {"host", "1", {}, 0});
  live.ApplyBatch(kWeb, BatchOf("health", {Gauge("x", 1, {{"agent", "spoofed"}, {"customer", "evil"}})}), 1);
  auto found = Scrape(live).Find("x");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].labels.at("agent"), "web-01");
  EXPECT_EQ(found[0].labels.at("customer"), "acme");
  EXPECT_EQ(found[0].labels.at("exported_agent"), "spoofed");
  EXPECT_EQ(found[0].labels.at("exported_customer"), "evil");
}

TEST(LiveState, ASnapshotReplacesOnlyItsOwnSource) {
  LiveState live({});
  live.AgentConnected(kWeb, {});
  live.ApplyBatch(kWeb, BatchOf("health", {Gauge("a", 1), Gauge("b", 2)}), 1);
  live.ApplyBatch(kWeb, BatchOf("agent", {Gauge("c", 3)}, 2), 2);
  live.ApplyBatch(kWeb, BatchOf("health", {Gauge("a", 10)}, 3), 3);
  auto scrape = Scrape(live);
  EXPECT_EQ(scrape.Value("a"), 10);
  EXPECT_TRUE(scrape.Find("b").empty());  // vanished from its source's latest snapshot
  EXPECT_EQ(scrape.Value("c"), 3);
}

TEST(LiveState, MergesOneFamilyAcrossAgents) {
  LiveState live({});
  live.AgentConnected(kWeb, {});
  live.AgentConnected(kDb, {});
  live.ApplyBatch(kWeb, BatchOf("health", {Gauge("node_load1", 1)}), 1);
  live.ApplyBatch(kDb, BatchOf("health", {Gauge("node_load1", 2)}), 1);
  const std::string text = RenderText(live.Collect());
  // One TYPE line for the family, whatever the number of agents.
  EXPECT_EQ(text.find("# TYPE node_load1"), text.rfind("# TYPE node_load1"));
  EXPECT_EQ(Scrape(live).Find("node_load1").size(), 2u);
}

TEST(LiveState, DescribesEachAgentsHostAndVersion) {
  LiveState live({});
  live.AgentConnected(kWeb, {"web-01.acme.example", "0.1.0", {}, 0});
  EXPECT_EQ(Scrape(live).Value("vigil_collector_agent_info", {{"agent", "web-01"},
                                                              {"hostname", "web-01.acme.example"},
                                                              {"version", "0.1.0"}}),
            1);
}

TEST(LiveState, CountsAppliedBatchesFromTheStoredFigure) {
  LiveState live({});
  live.AgentConnected(kWeb, {"h", "v", {}, 41});
  live.ApplyBatch(kWeb, BatchOf("health", {}), 1);
  EXPECT_EQ(Scrape(live).Value("vigil_collector_batches_applied_total", {{"agent", "web-01"}}), 42);
  live.AgentDisconnected(kWeb);
  EXPECT_EQ(Scrape(live).Value("vigil_collector_agent_connected", {{"agent", "web-01"}}), 0);
}

TEST(LiveState, RejectsInvalidAndReservedNames) {
  LiveState live({});
  ApplyReport report = live.ApplyBatch(
      kWeb,
      BatchOf("health", {Gauge("bad-name", 1), Gauge("vigil_collector_fake_total", 1),
                         Gauge("ok", 1, {{"bad-label", "x"}}), Gauge("ok2", 1, {{"__x", "y"}})}),
      1);
  EXPECT_EQ(report.series_applied, 0u);
  EXPECT_EQ(report.series_rejected["invalid_name"], 1u);
  EXPECT_EQ(report.series_rejected["reserved_name"], 1u);
  EXPECT_EQ(report.series_rejected["invalid_label"], 2u);
  // Whatever agents send, /metrics stays valid exposition.
  EXPECT_NO_THROW(Scrape(live));
}

TEST(LiveState, RejectsAFamilyWhoseTypeConflictsWithAnotherAgents) {
  LiveState live({});
  live.ApplyBatch(kWeb, BatchOf("health", {Gauge("shared", 1)}), 1);
  auto counter = MakeFamily("shared", "help", wire::METRIC_TYPE_COUNTER);
  AddSeries(counter, 5);
  ApplyReport report = live.ApplyBatch(kDb, BatchOf("health", {counter}), 1);
  EXPECT_EQ(report.series_rejected["type_conflict"], 1u);
  EXPECT_EQ(Scrape(live).Find("shared").size(), 1u);
}

TEST(LiveState, DropsDuplicateSeriesWithinAFamily) {
  LiveState live({});
  auto family = Gauge("x", 1, {{"a", "1"}});
  AddSeries(family, 2, {{"a", "1"}});
  ApplyReport report = live.ApplyBatch(kWeb, BatchOf("health", {family}), 1);
  EXPECT_EQ(report.series_applied, 1u);
  EXPECT_EQ(report.series_rejected["duplicate_series"], 1u);
}

TEST(LiveState, CapsSeriesPerAgentAcrossSources) {
  LiveState live({/*max_series_per_agent=*/3, /*max_metric_names=*/100});
  live.ApplyBatch(kWeb, BatchOf("agent", {Gauge("a", 1), Gauge("b", 1)}), 1);
  auto many = MakeFamily("c", "help", wire::METRIC_TYPE_GAUGE);
  for (int i = 0; i < 5; ++i) AddSeries(many, i, {{"i", std::to_string(i)}});
  ApplyReport report = live.ApplyBatch(kWeb, BatchOf("health", {many}), 2);
  EXPECT_EQ(report.series_applied, 1u);
  EXPECT_EQ(report.series_rejected["series_limit"], 4u);
  // Another agent has its own budget.
  EXPECT_EQ(live.ApplyBatch(kDb, BatchOf("health", {Gauge("a", 1)}), 1).series_applied, 1u);
}

TEST(LiveState, CapsDistinctMetricNames) {
  LiveState live({/*max_series_per_agent=*/100, /*max_metric_names=*/2});
  ApplyReport report =
      live.ApplyBatch(kWeb, BatchOf("health", {Gauge("a", 1), Gauge("b", 1), Gauge("c", 1)}), 1);
  EXPECT_EQ(report.series_applied, 2u);
  EXPECT_EQ(report.series_rejected["too_many_metric_names"], 1u);
}

}  // namespace
}  // namespace vigil::collector
