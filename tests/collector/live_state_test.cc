#include "collector/ingest/live_state.h"

#include <gtest/gtest.h>

#include <set>

#include "collector/ingest/metrics_text.h"
#include "common/exposition.h"
#include "common/metric_builder.h"
#include "tests/support/exposition_parser.h"

namespace vigil::collector {
namespace {

const AgentKey kWeb{"acme", "web-01"};
const AgentKey kDb{"globex", "db-01"};
constexpr std::int64_t kNow = 1'800'000'000'000;

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

// The whole fleet's rendering, as /metrics streams it, in pieces of `piece_bytes`.
std::string Fleet(const LiveState& live, FleetQuery query = {},
                  std::size_t piece_bytes = 64 << 10) {
  std::string text;
  PieceWriter next = live.FleetPieces(std::move(query), piece_bytes);
  while (next(text)) {
  }
  return text;
}

testing::ParsedExposition Scrape(const LiveState& live) {
  return testing::ParseExposition(RenderText(live.Collect()) + Fleet(live));
}

TEST(LiveState, AddsAgentCustomerAndAgentLabelsToEverySeries) {
  LiveState live({});
  live.AgentConnected(kWeb, {"host", "1", {{"role", "web"}}, 0}, kNow);
  live.ApplyBatch(kWeb, BatchOf("health", {Gauge("node_load1", 0.5)}), 1000);
  auto scrape = Scrape(live);
  EXPECT_EQ(
      scrape.Value("node_load1", {{"agent", "web-01"}, {"customer", "acme"}, {"role", "web"}}),
      0.5);
}

TEST(LiveState, RecordedSeriesAreServedBesideTheAgentsOwnAndReplacedWhole) {
  LiveState live({});
  live.AgentConnected(kWeb, {"host", "1", {}, 0}, kNow);
  live.ApplyBatch(kWeb, BatchOf("health", {Gauge("node_load1", 0.5)}), 1000);
  wire::Snapshot recorded =
      BatchOf("vigil:recording_rules", {Gauge("instance:load:ratio", 0.25, {{"kind", "cpu"}})})
          .snapshots(0);
  live.ApplyRecorded(kWeb, recorded);
  auto scrape = Scrape(live);
  EXPECT_EQ(scrape.Value("instance:load:ratio",
                         {{"agent", "web-01"}, {"customer", "acme"}, {"kind", "cpu"}}),
            0.25);
  EXPECT_EQ(scrape.Value("node_load1", {{"agent", "web-01"}, {"customer", "acme"}}), 0.5);
  EXPECT_EQ(live.Agents().at(kWeb).last_batch_ms, 1000) << "not a batch of the agent";
  EXPECT_EQ(scrape.Value("vigil_collector_batches_applied_total", {{"agent", "web-01"}}), 1);
  // The rules wrote nothing this time: the recorded series are gone, the agent's stay.
  recorded.clear_families();
  live.ApplyRecorded(kWeb, recorded);
  EXPECT_EQ(Fleet(live).find("instance:load:ratio"), std::string::npos);
  EXPECT_NE(Fleet(live).find("node_load1"), std::string::npos);
  // An agent the state does not know is not made up by its recorded series.
  live.ApplyRecorded(kDb, recorded);
  EXPECT_EQ(live.Agents().count(kDb), 0u);
}

TEST(LiveState, RenamesSeriesLabelsThatCollideWithTargetLabels) {
  LiveState live({});
  live.AgentConnected(kWeb, {"host", "1", {}, 0}, kNow);
  live.ApplyBatch(
      kWeb, BatchOf("health", {Gauge("x", 1, {{"agent", "spoofed"}, {"customer", "evil"}})}), 1);
  auto found = Scrape(live).Find("x");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].labels.at("agent"), "web-01");
  EXPECT_EQ(found[0].labels.at("customer"), "acme");
  EXPECT_EQ(found[0].labels.at("exported_agent"), "spoofed");
  EXPECT_EQ(found[0].labels.at("exported_customer"), "evil");
}

// A family sent twice in one snapshot, and again from another source, with the same series: each
// scrape path shows the series once (a repeated series makes Prometheus refuse the whole scrape).
TEST(LiveState, ASeriesSentUnderOneNameTwiceIsRenderedOnce) {
  LiveState live({});
  live.AgentConnected(kWeb, {"host", "1", {}, 0}, kNow);
  wire::Batch batch = BatchOf("health", {Gauge("dup", 1), Gauge("dup", 1), Gauge("other", 2)});
  *batch.add_snapshots() = BatchOf("agent", {Gauge("dup", 1)}).snapshots(0);
  live.ApplyBatch(kWeb, batch, kNow);
  const auto count = [](const std::string& text, const std::string& prefix) {
    std::size_t n = 0;
    for (std::size_t at = text.find(prefix); at != std::string::npos;
         at = text.find(prefix, at + 1)) {
      if (at == 0 || text[at - 1] == '\n') ++n;
    }
    return n;
  };
  EXPECT_EQ(count(Fleet(live), "dup{"), 1u);
  const AgentExposition own = live.RenderAgent(kWeb, kNow, 60'000);
  EXPECT_EQ(count(own.text, "dup "), 1u) << own.text;
  EXPECT_EQ(count(own.text, "other "), 1u);
}

TEST(LiveState, ASnapshotReplacesOnlyItsOwnSource) {
  LiveState live({});
  live.AgentConnected(kWeb, {}, kNow);
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
  live.AgentConnected(kWeb, {}, kNow);
  live.AgentConnected(kDb, {}, kNow);
  live.ApplyBatch(kWeb, BatchOf("health", {Gauge("node_load1", 1)}), 1);
  live.ApplyBatch(kDb, BatchOf("health", {Gauge("node_load1", 2)}), 1);
  const std::string text = Fleet(live);
  // One TYPE line for the family, whatever the number of agents.
  EXPECT_EQ(text.find("# TYPE node_load1"), text.rfind("# TYPE node_load1"));
  EXPECT_EQ(Scrape(live).Find("node_load1").size(), 2u);
}

TEST(LiveState, DescribesEachAgentsHostAndVersion) {
  LiveState live({});
  live.AgentConnected(kWeb, {"web-01.acme.example", "0.1.0", {}, 0}, kNow);
  EXPECT_EQ(Scrape(live).Value(
                "vigil_collector_agent_info",
                {{"agent", "web-01"}, {"hostname", "web-01.acme.example"}, {"version", "0.1.0"}}),
            1);
}

TEST(LiveState, CountsAppliedBatchesFromTheStoredFigure) {
  LiveState live({});
  live.AgentConnected(kWeb, {"h", "v", {}, 41}, kNow);
  live.ApplyBatch(kWeb, BatchOf("health", {}), 1);
  EXPECT_EQ(Scrape(live).Value("vigil_collector_batches_applied_total", {{"agent", "web-01"}}), 42);
  live.AgentDisconnected(kWeb, kNow);
  EXPECT_EQ(Scrape(live).Value("vigil_collector_agent_connected", {{"agent", "web-01"}}), 0);
}

TEST(LiveState, RejectsInvalidAndReservedNames) {
  LiveState live({});
  ApplyReport report = live.ApplyBatch(
      kWeb,
      BatchOf("health", {Gauge("bad-name", 1), Gauge("vigil_collector_fake_total", 1),
                         Gauge("vigil_incidents_open", 0), Gauge("vigil_sla_on_time_ratio", 1),
                         Gauge("ok", 1, {{"bad-label", "x"}}), Gauge("ok2", 1, {{"__x", "y"}}),
                         Gauge("vigil_probe_success", 1), Gauge("vigil_security_findings", 0)}),
      1);
  EXPECT_EQ(report.series_applied, 2u);  // the agent's own vigil_ families
  EXPECT_EQ(report.series_rejected["invalid_name"], 1u);
  EXPECT_EQ(report.series_rejected["reserved_name"], 3u);
  EXPECT_EQ(report.series_rejected["invalid_label"], 2u);
  // Whatever agents send, /metrics stays valid exposition.
  EXPECT_NO_THROW(Scrape(live));
}

TEST(LiveState, ASnapshotOfANewSourceBeyondTheLimitIsLeftOutWhole) {
  LiveState live(
      {/*max_series_per_agent=*/100, /*max_metric_names=*/100, /*max_sources_per_agent=*/2});
  live.AgentConnected(kWeb, {"web-01", "1", {}, 0}, kNow);
  live.AgentConnected(kDb, {"db-01", "1", {}, 0}, kNow);
  live.ApplyBatch(kWeb, BatchOf("health", {Gauge("a", 1)}), 1);
  live.ApplyBatch(kWeb, BatchOf("probes", {Gauge("b", 1)}), 1);
  ApplyReport third =
      live.ApplyBatch(kWeb, BatchOf("made-up-1", {Gauge("c", 1), Gauge("d", 1)}), 1);
  EXPECT_EQ(third.series_applied, 0u);
  EXPECT_EQ(third.series_rejected["too_many_sources"], 2u);
  EXPECT_EQ(third.sources_refused, std::vector<std::string>{"made-up-1"});
  // What the rules are given instead: the batch without the refused snapshot.
  wire::Batch mixed = BatchOf("health", {Gauge("a", 3)});
  *mixed.add_snapshots() = BatchOf("made-up-2", {Gauge("e", 1)}).snapshots(0);
  const wire::Batch for_rules =
      WithoutSources(mixed, live.ApplyBatch(kWeb, mixed, 2).sources_refused);
  ASSERT_EQ(for_rules.snapshots_size(), 1);
  EXPECT_EQ(for_rules.snapshots(0).source(), "health");
  // The sources it has keep working, and another agent has sources of its own.
  EXPECT_EQ(live.ApplyBatch(kWeb, BatchOf("health", {Gauge("a", 2)}), 2).series_applied, 1u);
  EXPECT_EQ(live.ApplyBatch(kDb, BatchOf("made-up-1", {Gauge("c", 1)}), 2).series_applied, 1u);
  const auto scrape = Scrape(live);
  EXPECT_EQ(scrape.Value("a", {{"agent", "web-01"}}), 2);
  EXPECT_TRUE(scrape.Find("c", {{"agent", "web-01"}}).empty());
  EXPECT_EQ(scrape.Value("c", {{"agent", "db-01"}}), 1);
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

TEST(LiveState, AnAgentsOwnTargetServesItsSeriesAsSentAndIsDownWhileAwayOrSilent) {
  LiveState live({});
  constexpr std::int64_t kDownAfter = 60'000;
  EXPECT_EQ(live.RenderAgent(kWeb, kNow, kDownAfter).state, AgentExposition::State::kUnknown);
  live.AgentConnected(kWeb, {"host", "1", {{"role", "web"}}, 0}, kNow);
  live.ApplyBatch(kWeb, BatchOf("health", {Gauge("node_load1", 0.5, {{"agent", "inner"}})}), kNow);
  live.ApplyBatch(kWeb, BatchOf("agent", {Gauge("vigil_agent_up", 1)}, 2), kNow);

  AgentExposition up = live.RenderAgent(kWeb, kNow + 1000, kDownAfter);
  ASSERT_EQ(up.state, AgentExposition::State::kUp);
  auto parsed = testing::ParseExposition(up.text);
  // No target labels: Prometheus adds them. The series' own "agent" label stays as sent.
  EXPECT_EQ(parsed.Value("node_load1", {{"agent", "inner"}}), 0.5);
  EXPECT_EQ(parsed.Find("node_load1")[0].labels.count("customer"), 0u);
  EXPECT_EQ(parsed.Find("node_load1")[0].labels.count("role"), 0u);
  EXPECT_EQ(parsed.Value("vigil_agent_up"), 1);

  // Silent past agent_down_after (no batch, no heartbeat): down; a heartbeat makes it up again.
  EXPECT_EQ(live.RenderAgent(kWeb, kNow + kDownAfter + 1, kDownAfter).state,
            AgentExposition::State::kDown);
  live.AgentSeen(kWeb, kNow + kDownAfter);
  EXPECT_EQ(live.RenderAgent(kWeb, kNow + kDownAfter + 1, kDownAfter).state,
            AgentExposition::State::kUp);
  // Disconnected: down at once, though its last values are still held.
  live.AgentDisconnected(kWeb, kNow + kDownAfter + 2);
  AgentExposition down = live.RenderAgent(kWeb, kNow + kDownAfter + 3, kDownAfter);
  EXPECT_EQ(down.state, AgentExposition::State::kDown);
  EXPECT_TRUE(down.text.empty());
}

TEST(LiveState, AnAgentKnownFromTheStoreIsATargetThatIsDownUntilItConnects) {
  LiveState live({});
  live.AgentKnown(kDb, {"db-01.globex.example", "0.1.0", {{"role", "db"}}, 7});
  EXPECT_EQ(live.RenderAgent(kDb, kNow, 60'000).state, AgentExposition::State::kDown);
  std::vector<AgentTarget> targets = live.Targets();
  ASSERT_EQ(targets.size(), 1u);
  EXPECT_EQ(targets[0].key, kDb);
  EXPECT_EQ(targets[0].labels, (LabelList{{"role", "db"}}));
  live.AgentConnected(kDb, {"db-01.globex.example", "0.1.0", {}, 7}, kNow);
  EXPECT_EQ(live.RenderAgent(kDb, kNow, 60'000).state, AgentExposition::State::kUp);
}

// Item 6 of the outside attack: labels stored for an agent before Hellos were checked (a name
// twice, a reserved name) must not spoil the fleet's /metrics for every customer.
TEST(LiveState, AgentLabelsThatCannotBeRenderedAreLeftOutOnceAndForAll) {
  LiveState live({});
  live.AgentKnown(kDb, {"db",
                        "0.1.0",
                        {{"role", "db"},
                         {"role", "web"},
                         {"customer", "acme"},
                         {"bad name", "x"},
                         {"__meta", "y"},
                         {"dc", "fra1"}},
                        0});
  live.AgentConnected(kWeb, {"web", "1", {{"role", "web"}}, 0}, kNow);
  live.ApplyBatch(kDb, BatchOf("health", {Gauge("node_load1", 0.5)}), kNow);
  live.ApplyBatch(kWeb, BatchOf("health", {Gauge("node_load1", 0.7)}), kNow);
  const std::string text = Fleet(live);
  auto scrape = testing::ParseExposition(text);  // fails the test on a label given twice
  EXPECT_EQ(
      scrape.Value("node_load1",
                   {{"agent", "db-01"}, {"customer", "globex"}, {"role", "db"}, {"dc", "fra1"}}),
      0.5);
  EXPECT_EQ(
      scrape.Value("node_load1", {{"agent", "web-01"}, {"customer", "acme"}, {"role", "web"}}),
      0.7);
  std::vector<AgentTarget> targets = live.Targets();
  ASSERT_EQ(targets.size(), 2u);
  EXPECT_EQ(targets[1].key, kDb);
  EXPECT_EQ(targets[1].labels, (LabelList{{"role", "db"}, {"dc", "fra1"}}));
}

TEST(LiveState, TheFleetLeavesOutAgentsAwayLongerThanTheStaleTimeAndCanSelectACustomer) {
  LiveState live({});
  live.AgentConnected(kWeb, {}, kNow);
  live.AgentConnected(kDb, {}, kNow);
  live.ApplyBatch(kWeb, BatchOf("health", {Gauge("node_load1", 1)}), kNow);
  live.ApplyBatch(kDb, BatchOf("health", {Gauge("node_load1", 2)}), kNow);
  live.AgentDisconnected(kDb, kNow);

  const auto agents_in = [&](FleetQuery query) {
    std::set<std::string> agents;
    for (const auto& series : testing::ParseExposition(Fleet(live, query)).Find("node_load1")) {
      agents.insert(series.labels.at("agent"));
    }
    return agents;
  };
  EXPECT_EQ(agents_in({"", kNow + 60'000, 60'000}), (std::set<std::string>{"web-01", "db-01"}));
  EXPECT_EQ(agents_in({"", kNow + 60'001, 60'000}), (std::set<std::string>{"web-01"}));
  EXPECT_EQ(agents_in({"globex", kNow, 60'000}), (std::set<std::string>{"db-01"}));
  EXPECT_EQ(agents_in({"nobody", kNow, 60'000}), (std::set<std::string>{}));
  // The per-agent families of the collector stay for every agent, so that absence can be alerted
  // on.
  EXPECT_EQ(testing::ParseExposition(RenderText(live.Collect()))
                .Value("vigil_collector_agent_connected", {{"agent", "db-01"}}),
            0);
  EXPECT_EQ(testing::ParseExposition(RenderText(live.CollectFor("acme")))
                .Find("vigil_collector_agent_connected")
                .size(),
            1u);
}

TEST(LiveState, TheFleetComesOutTheSameInPiecesOfAnySizeAndEachPieceStaysSmall) {
  LiveState live({});
  for (int i = 0; i < 50; ++i) {
    const AgentKey key{i % 2 ? "acme" : "globex", "host-" + std::to_string(i)};
    live.AgentConnected(key, {}, kNow);
    auto cpu = MakeFamily("node_cpu_seconds_total", "help", wire::METRIC_TYPE_COUNTER);
    for (int c = 0; c < 8; ++c)
      AddSeries(cpu, i * 10 + c, {{"cpu", std::to_string(c)}, {"mode", "idle"}});
    live.ApplyBatch(key, BatchOf("health", {cpu, Gauge("node_load1", i)}), kNow);
  }
  const std::string whole = Fleet(live);
  auto parsed = testing::ParseExposition(whole);
  EXPECT_EQ(parsed.Find("node_cpu_seconds_total").size(), 400u);
  EXPECT_EQ(parsed.Find("node_load1").size(), 50u);
  for (std::size_t piece_bytes : {1u, 100u, 1000u}) {
    std::string text, piece;
    std::size_t pieces = 0, largest = 0;
    PieceWriter next = live.FleetPieces({}, piece_bytes);
    bool more = true;
    while (more) {
      piece.clear();
      more = next(piece);
      ++pieces;
      largest = std::max(largest, piece.size());
      text += piece;
    }
    EXPECT_EQ(text, whole) << piece_bytes;
    // A piece ends after the agent that crossed the size: at most one agent's family beyond it.
    EXPECT_LE(largest, piece_bytes + 1000) << piece_bytes;
    EXPECT_GT(pieces, whole.size() / (piece_bytes + 1000)) << piece_bytes;
  }
}

}  // namespace
}  // namespace vigil::collector
