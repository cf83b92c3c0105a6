#include "alerting/rule_engine.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "alerting/rule_file.h"

namespace vigil::alerting {
namespace {

using Kind = AlertTransition::Kind;
using std::chrono::seconds;

const TimePoint kStart = TimePoint{} + std::chrono::hours(24 * 365 * 56);

struct RecordingSink : AlertSink {
  void OnTransition(const AlertTransition& transition) override {
    seen.push_back(transition);
    seen.back().rule = nullptr;  // not valid after the call
  }
  std::vector<Kind> Kinds() const {
    std::vector<Kind> out;
    for (const auto& t : seen) out.push_back(t.kind);
    return out;
  }
  std::vector<AlertTransition> seen;
};

std::vector<Rule> RulesFrom(const std::string& yaml) {
  auto loaded = ParseRuleFile(yaml, "rules.yaml");
  for (const auto& problem : loaded.problems) ADD_FAILURE() << config::FormatDiagnostic(problem);
  return std::move(loaded.config.rules);
}

wire::Snapshot Snapshot(std::int64_t t_ms,
                        std::vector<std::tuple<std::string, Labels, double>> series) {
  wire::Snapshot snapshot;
  snapshot.set_source("health");
  snapshot.set_timestamp_ms(t_ms);
  for (auto& [name, labels, value] : series) {
    wire::MetricFamily* family = nullptr;
    for (auto& f : *snapshot.mutable_families()) {
      if (f.name() == name) family = &f;
    }
    if (family == nullptr) {
      family = snapshot.add_families();
      family->set_name(name);
    }
    wire::Series* s = family->add_series();
    for (const Label& label : labels) {
      wire::Label* l = s->add_labels();
      l->set_name(label.name);
      l->set_value(label.value);
    }
    s->set_value(value);
  }
  return snapshot;
}

class RuleEngineTest : public ::testing::Test {
 protected:
  void Make(const std::string& yaml, RuleEngine::SeriesHash series_hash = nullptr) {
    auto loaded = ParseRuleFile(yaml, "rules.yaml");
    for (const auto& problem : loaded.problems) ADD_FAILURE() << config::FormatDiagnostic(problem);
    engine_ = std::make_unique<RuleEngine>(std::move(loaded.config.rules), sink_, series_hash,
                                           std::move(loaded.config.recording));
  }

  // The agent web-01 of acme sends one health snapshot at `at`; what recording rules wrote.
  std::optional<wire::Snapshot> Send(TimePoint at,
                                     std::vector<std::tuple<std::string, Labels, double>> series,
                                     const std::string& agent = "web-01") {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch());
    return engine_->ApplySnapshot({"acme", agent, "health"},
                                  {{"agent", agent}, {"customer", "acme"}, {"role", "web"}},
                                  Snapshot(ms.count(), std::move(series)), at);
  }
  void Load(TimePoint at, double value) { Send(at, {{"node_load1", {}, value}}); }

  RecordingSink sink_;
  std::unique_ptr<RuleEngine> engine_;
};

TEST_F(RuleEngineTest, FiresAfterForAndCarriesLabelsAndRenderedAnnotations) {
  Make(R"(rules:
  - name: HighLoad
    expr: node_load1 > 4
    for: 2s
    severity: critical
    labels: {team: ops}
    annotations: {summary: "load {{ $value }} on {{ $labels.agent }}"})");
  Load(kStart, 5);
  ASSERT_THAT(sink_.Kinds(), ::testing::ElementsAre(Kind::kPending));
  ASSERT_EQ(engine_->NextDeadline(), kStart + seconds(2));
  Load(kStart + seconds(1), 6);
  engine_->Advance(kStart + seconds(2));
  ASSERT_THAT(sink_.Kinds(), ::testing::ElementsAre(Kind::kPending, Kind::kFiring));
  const AlertTransition& fired = sink_.seen.back();
  EXPECT_EQ(fired.at, kStart + seconds(2));  // at the deadline, with no new sample needed
  EXPECT_EQ(fired.state.active_since, kStart);
  EXPECT_EQ(fired.state.severity, Severity::kCritical);
  EXPECT_EQ(fired.state.labels,
            (Labels{{"agent", "web-01"}, {"customer", "acme"}, {"role", "web"}, {"team", "ops"}}));
  EXPECT_EQ(fired.state.fingerprint, Fingerprint("HighLoad", fired.state.labels));
  ASSERT_EQ(fired.annotations.size(), 1u);
  EXPECT_EQ(fired.annotations[0].second, "load 6 on web-01");
}

TEST_F(RuleEngineTest, AConditionThatStopsBeforeForNeverFires) {
  Make("rules: [{name: HighLoad, expr: node_load1 > 4, for: 10s}]");
  Load(kStart, 5);
  Load(kStart + seconds(5), 1);
  engine_->Advance(kStart + seconds(20));
  EXPECT_THAT(sink_.Kinds(), ::testing::ElementsAre(Kind::kPending, Kind::kPendingCancelled));
}

TEST_F(RuleEngineTest, FlappingWithinKeepFiringForStaysOneAlert) {
  Make("rules: [{name: HighLoad, expr: node_load1 > 4, keep_firing_for: 5s}]");
  for (int i = 0; i < 10; ++i) {
    Load(kStart + seconds(i), i % 2 == 0 ? 5 : 1);
    engine_->Advance(kStart + seconds(i));
  }
  for (int i = 10; i < 20; ++i) {
    Load(kStart + seconds(i), 1);
    engine_->Advance(kStart + seconds(i));
  }
  std::size_t fired = 0;
  std::size_t resolved = 0;
  for (const auto& t : sink_.seen) {
    fired += t.kind == Kind::kFiring;
    resolved += t.kind == Kind::kResolved;
  }
  EXPECT_EQ(fired, 1u);
  EXPECT_EQ(resolved, 1u);
  // Last true at 8s, false from 9s: resolves 5s after it cleared.
  EXPECT_EQ(sink_.seen.back().kind, Kind::kResolved);
  EXPECT_EQ(sink_.seen.back().at, kStart + seconds(14));
}

TEST_F(RuleEngineTest, WithoutKeepFiringForItResolvesOnTheFirstFalseSample) {
  Make("rules: [{name: HighLoad, expr: node_load1 > 4}]");
  Load(kStart, 5);
  Load(kStart + seconds(1), 3);
  Load(kStart + seconds(2), 5);
  EXPECT_THAT(sink_.Kinds(), ::testing::ElementsAre(Kind::kFiring, Kind::kResolved, Kind::kFiring));
}

TEST_F(RuleEngineTest, OnlySeriesThatMatchTheSelectorAreEvaluated) {
  Make(
      R"(rules: [{name: FullDisk, expr: 'node_filesystem_avail_bytes{mountpoint="/", role="web"} < 100'}])");
  Send(kStart, {{"node_filesystem_avail_bytes", {{"mountpoint", "/boot"}}, 1},
                {"node_filesystem_avail_bytes", {{"mountpoint", "/"}}, 1},
                {"node_load1", {}, 1}});
  ASSERT_EQ(sink_.seen.size(), 1u);
  EXPECT_EQ(LabelValue(sink_.seen[0].state.labels, "mountpoint"), "/");
  // The selector's matchers decide which series are evaluated; node_load1 has no rule at all.
  EXPECT_EQ(engine_->evaluations(), 1u);
}

TEST_F(RuleEngineTest, ASeriesLabelThatCollidesWithATargetLabelIsExported) {
  Make(R"(rules: [{name: Odd, expr: 'x{exported_agent="inner", agent="web-01"} > 0'}])");
  Send(kStart, {{"x", {{"agent", "inner"}}, 1}});
  ASSERT_EQ(sink_.seen.size(), 1u);
  EXPECT_EQ(LabelValue(sink_.seen[0].state.labels, "exported_agent"), "inner");
  EXPECT_EQ(LabelValue(sink_.seen[0].state.labels, "agent"), "web-01");
}

TEST_F(RuleEngineTest, ASeriesThatVanishesFromItsSourceResolves) {
  Make(R"(rules: [{name: FullDisk, expr: 'node_filesystem_avail_bytes < 100'}])");
  Send(kStart, {{"node_filesystem_avail_bytes", {{"mountpoint", "/mnt"}}, 1}});
  Send(kStart + seconds(10), {{"node_load1", {}, 1}});  // /mnt unmounted
  EXPECT_THAT(sink_.Kinds(), ::testing::ElementsAre(Kind::kFiring, Kind::kResolved));
}

TEST_F(RuleEngineTest, EachAgentHasItsOwnAlert) {
  Make("rules: [{name: HighLoad, expr: node_load1 > 4}]");
  Send(kStart, {{"node_load1", {}, 5}}, "web-01");
  Send(kStart, {{"node_load1", {}, 5}}, "web-02");
  ASSERT_EQ(sink_.seen.size(), 2u);
  EXPECT_NE(sink_.seen[0].state.fingerprint, sink_.seen[1].state.fingerprint);
  const auto status = engine_->Status(10);
  ASSERT_EQ(status.size(), 1u);
  EXPECT_EQ(status[0].state, AlertState::kFiring);
  EXPECT_EQ(status[0].firing, 2u);
}

TEST_F(RuleEngineTest, RateRulesUseTheSampleTimesOfTheWindow) {
  Make("rules: [{name: Busy, expr: 'rate(node_context_switches_total[30s]) > 800'}]");
  for (int i = 0; i <= 30; i += 10) {
    Send(kStart + seconds(i), {{"node_context_switches_total", {}, 1e6 + 1000.0 * i}});  // 1000/s
  }
  ASSERT_FALSE(sink_.seen.empty());
  EXPECT_EQ(sink_.seen[0].kind, Kind::kFiring);
  // At 10s two samples span a third of the window: Prometheus's extrapolation gives 500/s. At 20s
  // the samples reach within one gap of the window's start and the rate is the slope.
  EXPECT_EQ(sink_.seen[0].at, kStart + seconds(20));
  EXPECT_DOUBLE_EQ(sink_.seen[0].state.value, 1000);
}

TEST_F(RuleEngineTest, RestoredStatesResumeTheirTimers) {
  Make("rules: [{name: HighLoad, expr: node_load1 > 4, for: 1m, keep_firing_for: 1m}]");
  Load(kStart, 5);
  ASSERT_EQ(sink_.seen.size(), 1u);
  const SeriesStateRecord pending = sink_.seen[0].state;

  // A new engine (a restarted collector) gets the pending state back and fires on time.
  RecordingSink after;
  RuleEngine restarted(RulesFrom("rules: [{name: HighLoad, expr: node_load1 > 4, for: 1m, "
                                 "keep_firing_for: 1m}]"),
                       after);
  restarted.Restore({pending}, kStart + seconds(30));
  EXPECT_EQ(restarted.NextDeadline(), kStart + seconds(60));
  restarted.Advance(kStart + seconds(60));
  ASSERT_EQ(after.seen.size(), 1u);
  EXPECT_EQ(after.seen[0].kind, Kind::kFiring);
  EXPECT_EQ(after.seen[0].state.fingerprint, pending.fingerprint);
  // The restored series is the same series: a false sample from the agent clears it.
  restarted.ApplySnapshot({"acme", "web-01", "health"},
                          {{"agent", "web-01"}, {"customer", "acme"}, {"role", "web"}},
                          Snapshot(0, {{"node_load1", {}, 1}}), kStart + seconds(70));
  EXPECT_EQ(after.seen.back().kind, Kind::kClearing);
}

TEST_F(RuleEngineTest, StatesOfRulesThatNoLongerExistResolveOnRestore) {
  Make("rules: [{name: Other, expr: x > 1}]");
  SeriesStateRecord orphan;
  orphan.rule = "Removed";
  orphan.series_key = "acme/web-01/health#0000000000000001";
  orphan.state = AlertState::kFiring;
  orphan.fingerprint = "ffff";
  engine_->Restore({orphan}, kStart);
  ASSERT_EQ(sink_.seen.size(), 1u);
  EXPECT_EQ(sink_.seen[0].kind, Kind::kResolved);
  EXPECT_EQ(sink_.seen[0].state.fingerprint, "ffff");
}

TEST_F(RuleEngineTest, ForgettingAFiringAlertLetsItFireAgain) {
  Make("rules: [{name: HighLoad, expr: node_load1 > 4, keep_firing_for: 1h}]");
  Load(kStart, 5);
  const std::string fingerprint = sink_.seen[0].state.fingerprint;
  EXPECT_TRUE(engine_->Forget(fingerprint, kStart + seconds(1)));
  EXPECT_FALSE(engine_->Forget(fingerprint, kStart + seconds(1)));
  Load(kStart + seconds(2), 5);
  EXPECT_THAT(sink_.Kinds(), ::testing::ElementsAre(Kind::kFiring, Kind::kResolved, Kind::kFiring));
}

TEST_F(RuleEngineTest, BuiltInConditionsUseTheSameStateMachine) {
  Rule down;
  down.name = "AgentDown";
  down.builtin = true;
  down.description = "no batch or heartbeat for 1m";
  std::vector<Rule> rules;
  rules.push_back(down);
  engine_ = std::make_unique<RuleEngine>(std::move(rules), sink_);
  const Labels labels = {{"agent", "web-01"}, {"customer", "acme"}};
  engine_->SetCondition("AgentDown", labels, true, 1, Severity::kLow, kStart);
  engine_->SetCondition("AgentDown", labels, true, 1, Severity::kLow, kStart + seconds(1));
  engine_->SetCondition("AgentDown", labels, false, 0, std::nullopt, kStart + seconds(2));
  ASSERT_THAT(sink_.Kinds(), ::testing::ElementsAre(Kind::kFiring, Kind::kResolved));
  EXPECT_EQ(sink_.seen[0].state.severity, Severity::kLow);
  EXPECT_EQ(sink_.seen[0].state.labels, labels);
}

// Every series hashes alike: what identifies one must be its labels, not its hash.
std::uint64_t EverySeriesCollides(std::string_view) { return 42; }

TEST_F(RuleEngineTest, SeriesWhoseHashesCollideKeepTheirOwnWindowsAndAlerts) {
  Make(
      "rules: [{name: DiskFilling, expr: 'rate(node_disk_written_bytes_total[10s]) > 100'},"
      " {name: DiskFull, expr: node_filesystem_avail_bytes < 10}]",
      &EverySeriesCollides);
  const Labels sda = {{"device", "sda"}};
  const Labels sdb = {{"device", "sdb"}};
  // sda writes fast, sdb not at all: a shared window would average them.
  Send(kStart, {{"node_disk_written_bytes_total", sda, 0},
                {"node_disk_written_bytes_total", sdb, 0},
                {"node_filesystem_avail_bytes", {{"mountpoint", "/"}}, 5},
                {"node_filesystem_avail_bytes", {{"mountpoint", "/var"}}, 500}});
  Send(kStart + seconds(5), {{"node_disk_written_bytes_total", sda, 5000},
                             {"node_disk_written_bytes_total", sdb, 0},
                             {"node_filesystem_avail_bytes", {{"mountpoint", "/"}}, 5},
                             {"node_filesystem_avail_bytes", {{"mountpoint", "/var"}}, 500}});
  std::set<std::string> firing;
  for (const AlertTransition& t : sink_.seen) {
    if (t.kind != Kind::kFiring) continue;
    firing.insert(t.state.rule + " " + std::string(LabelValue(t.state.labels, "device")) +
                  std::string(LabelValue(t.state.labels, "mountpoint")));
  }
  EXPECT_EQ(firing, (std::set<std::string>{"DiskFilling sda", "DiskFull /"}));
  // One of two colliding series goes away: only its alert resolves.
  sink_.seen.clear();
  Send(kStart + seconds(6), {{"node_disk_written_bytes_total", sda, 6000},
                             {"node_disk_written_bytes_total", sdb, 0},
                             {"node_filesystem_avail_bytes", {{"mountpoint", "/var"}}, 500}});
  ASSERT_EQ(sink_.seen.size(), 1u) << "only DiskFull / should change";
  EXPECT_EQ(sink_.seen[0].kind, Kind::kResolved);
  EXPECT_EQ(LabelValue(sink_.seen[0].state.labels, "mountpoint"), "/");
  EXPECT_EQ(engine_->Status(10)[0].firing, 1);
}

}  // namespace
}  // namespace vigil::alerting

namespace vigil::alerting {
namespace {

// Rules written as people mean them: a ratio, an average over cores, a join with an info metric.
class PromqlRuleTest : public RuleEngineTest {};

TEST_F(PromqlRuleTest, ARatioFiresPerFilesystemAndResolvesWhenItFalls) {
  Make(R"(rules:
  - name: DiskAlmostFull
    expr: (1 - node_filesystem_avail_bytes / node_filesystem_size_bytes) * 100 > 90
    severity: high
    annotations: {summary: "{{ $labels.mountpoint }} at {{ $value }}%"})");
  const auto disk = [&](TimePoint at, double root_avail) {
    Send(at, {{"node_filesystem_avail_bytes", {{"mountpoint", "/"}}, root_avail},
              {"node_filesystem_size_bytes", {{"mountpoint", "/"}}, 100},
              {"node_filesystem_avail_bytes", {{"mountpoint", "/data"}}, 50},
              {"node_filesystem_size_bytes", {{"mountpoint", "/data"}}, 100}});
  };
  disk(kStart, 20);
  EXPECT_TRUE(sink_.seen.empty());
  disk(kStart + seconds(15), 5);
  ASSERT_EQ(sink_.Kinds(), std::vector<Kind>{Kind::kFiring});
  const SeriesStateRecord& fired = sink_.seen[0].state;
  EXPECT_EQ(LabelValue(fired.labels, "mountpoint"), "/");
  EXPECT_EQ(LabelValue(fired.labels, "instance"), "web-01");
  EXPECT_EQ(LabelValue(fired.labels, "customer"), "acme");
  EXPECT_EQ(LabelValue(fired.labels, "__name__"), "");
  EXPECT_DOUBLE_EQ(fired.value, 95);
  disk(kStart + seconds(30), 30);
  EXPECT_EQ(sink_.Kinds(), (std::vector<Kind>{Kind::kFiring, Kind::kResolved}));
}

TEST_F(PromqlRuleTest, AnAverageOverCoresKeepsTheIncidentOnTheAgent) {
  Make(R"(rules:
  - name: CpuBusy
    expr: 1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[1m])) > 0.8
    for: 30s)");
  for (int step = 0; step <= 8; ++step) {
    const double t = 15.0 * step;
    // Two cores, idle 10 % of the time each.
    Send(kStart + seconds(15 * step),
         {{"node_cpu_seconds_total", {{"cpu", "0"}, {"mode", "idle"}}, 0.1 * t},
          {"node_cpu_seconds_total", {{"cpu", "1"}, {"mode", "idle"}}, 0.1 * t}});
  }
  ASSERT_EQ(sink_.Kinds(), (std::vector<Kind>{Kind::kPending, Kind::kFiring}));
  const SeriesStateRecord& fired = sink_.seen[1].state;
  EXPECT_EQ(fired.labels,
            (Labels{{"agent", "web-01"}, {"customer", "acme"}, {"instance", "web-01"}}));
  // It fired 30 s after it began to hold, at 45 s: four points in the 1m range so far, whose
  // increase Prometheus does not extrapolate past the counter's zero, over the whole minute.
  EXPECT_NEAR(fired.value, 1 - 2 * 0.1 * 45 / 60 / 2, 1e-9);
}

TEST_F(PromqlRuleTest, AJoinOnInstanceBringsTheNodename) {
  Make(R"(rules:
  - name: MemoryLow
    expr: node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes * on(instance) group_left(nodename) node_uname_info < 0.1)");
  Send(kStart, {{"node_memory_MemAvailable_bytes", {}, 5},
                {"node_memory_MemTotal_bytes", {}, 100},
                {"node_uname_info", {{"nodename", "web-01.example"}}, 1}});
  ASSERT_EQ(sink_.Kinds(), std::vector<Kind>{Kind::kFiring});
  EXPECT_EQ(LabelValue(sink_.seen[0].state.labels, "nodename"), "web-01.example");
}

TEST_F(PromqlRuleTest, ASeriesLeftOutOfTheNextSnapshotIsStaleAndItsAlertResolves) {
  Make(R"(rules:
  - name: ProbeDown
    expr: probe_success == 0)");
  Send(kStart, {{"probe_success", {{"target", "db"}}, 0}});
  ASSERT_EQ(sink_.Kinds(), std::vector<Kind>{Kind::kFiring});
  Send(kStart + seconds(15), {{"node_load1", {}, 1}});  // the probe was removed
  EXPECT_EQ(sink_.Kinds(), (std::vector<Kind>{Kind::kFiring, Kind::kResolved}));
}

TEST_F(PromqlRuleTest, AnAggregationThatKeepsTheInstanceIsEvaluatedPerAgentOnArrival) {
  Make(R"(rules:
  - name: TooManyProcesses
    expr: sum by (instance) (node_procs_running) > 10)");
  EXPECT_FALSE(engine_->rules()[0].fleet);
  Send(kStart, {{"node_procs_running", {{"state", "r"}}, 8}}, "web-01");
  Send(kStart, {{"node_procs_running", {{"state", "r"}}, 8}}, "web-02");
  EXPECT_TRUE(sink_.seen.empty());  // 16 over the fleet, 8 on each agent
  Send(kStart + seconds(15), {{"node_procs_running", {{"state", "r"}}, 12}}, "web-02");
  ASSERT_EQ(sink_.Kinds(), std::vector<Kind>{Kind::kFiring});
  EXPECT_EQ(LabelValue(sink_.seen[0].state.labels, "agent"), "web-02");
}

// Prometheus evaluates over every target it scrapes: an aggregation that drops the instance mixes
// hosts, and Vigil evaluates such a rule on an interval over every agent's series.
TEST_F(PromqlRuleTest, AnAggregationOverAgentsIsAFleetRuleEvaluatedOnItsInterval) {
  Make(R"(groups:
  - name: fleet
    interval: 30s
    rules:
      - alert: TooManyProcesses
        expr: sum(node_procs_running) > 10
      - alert: KernelsDiffer
        expr: count by (customer) (count by (customer, release) (node_uname_info)) > 1
)");
  EXPECT_TRUE(engine_->rules()[0].fleet);
  EXPECT_TRUE(engine_->rules()[1].fleet);
  Send(kStart, {{"node_procs_running", {}, 8}, {"node_uname_info", {{"release", "6.1"}}, 1}},
       "web-01");
  Send(kStart, {{"node_procs_running", {}, 8}, {"node_uname_info", {{"release", "5.10"}}, 1}},
       "web-02");
  EXPECT_TRUE(sink_.seen.empty()) << "fleet rules wait for their interval";
  ASSERT_TRUE(engine_->NextDeadline());
  EXPECT_LE(*engine_->NextDeadline(), kStart) << "first due at once";
  engine_->Advance(kStart);
  ASSERT_EQ(sink_.Kinds(), (std::vector<Kind>{Kind::kFiring, Kind::kFiring}));
  const SeriesStateRecord& total = sink_.seen[0].state;
  EXPECT_EQ(total.rule, "TooManyProcesses");
  EXPECT_DOUBLE_EQ(total.value, 16);
  EXPECT_EQ(LabelValue(total.labels, "agent"), "") << "the fleet's, no agent's";
  EXPECT_EQ(sink_.seen[1].state.labels, (Labels{{"customer", "acme"}}));
  EXPECT_EQ(engine_->NextDeadline(), kStart + seconds(30));

  // web-02 settles down and is upgraded: both clear at the next evaluation, not before.
  Send(kStart + seconds(15),
       {{"node_procs_running", {}, 1}, {"node_uname_info", {{"release", "6.1"}}, 1}}, "web-02");
  EXPECT_EQ(sink_.seen.size(), 2u);
  engine_->Advance(kStart + seconds(30));
  EXPECT_EQ(sink_.Kinds(),
            (std::vector<Kind>{Kind::kFiring, Kind::kFiring, Kind::kResolved, Kind::kResolved}));
}

TEST_F(PromqlRuleTest, AnAlertRestoredAfterARestartResolvesWhenTheFirstResultLacksIt) {
  const std::string rules = "rules: [{name: Ratio, expr: 'a / b > 0.5'}]";
  Make(rules);
  Send(kStart, {{"a", {}, 3}, {"b", {}, 4}});
  ASSERT_EQ(sink_.Kinds(), std::vector<Kind>{Kind::kFiring});
  const SeriesStateRecord firing = sink_.seen[0].state;

  RecordingSink after;
  RuleEngine restarted(RulesFrom(rules), after);
  restarted.Restore({firing}, kStart + seconds(10));
  restarted.ApplySnapshot({"acme", "web-02", "health"}, {{"agent", "web-02"}, {"customer", "acme"}},
                          Snapshot(0, {{"a", {}, 1}, {"b", {}, 4}}), kStart + seconds(15));
  EXPECT_TRUE(after.seen.empty()) << "another agent's result says nothing of web-01's alert";
  restarted.ApplySnapshot({"acme", "web-01", "health"},
                          {{"agent", "web-01"}, {"customer", "acme"}, {"role", "web"}},
                          Snapshot(0, {{"a", {}, 1}, {"b", {}, 4}}), kStart + seconds(20));
  ASSERT_FALSE(after.seen.empty());
  EXPECT_EQ(after.seen.back().kind, Kind::kResolved);
  EXPECT_EQ(after.seen.back().state.fingerprint, firing.fingerprint);
}

// The rules the package ships: a 4 TB volume with 100 GB left is almost full; one busy core of
// four is not a busy host; nothing else here is wrong.
TEST_F(PromqlRuleTest, ARecordingRuleWritesASeriesThatLaterRulesAlertOn) {
  Make(R"(groups:
  - name: memory
    rules:
      - record: instance:memory_used:ratio
        expr: 1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes
        labels: {kind: ram}
      - alert: MemoryHigh
        expr: instance:memory_used:ratio > 0.9
        labels: {severity: critical}
)");
  auto recorded = Send(kStart, {{"node_memory_MemAvailable_bytes", {}, 50},
                                {"node_memory_MemTotal_bytes", {}, 100}});
  ASSERT_TRUE(recorded);
  EXPECT_EQ(recorded->source(), "vigil:recording_rules");
  ASSERT_EQ(recorded->families_size(), 1);
  const wire::MetricFamily& family = recorded->families(0);
  EXPECT_EQ(family.name(), "instance:memory_used:ratio");
  ASSERT_EQ(family.series_size(), 1);
  // The target's labels (agent, customer, instance, role) are every series' anyway: left out.
  ASSERT_EQ(family.series(0).labels_size(), 1);
  EXPECT_EQ(family.series(0).labels(0).name(), "kind");
  EXPECT_DOUBLE_EQ(family.series(0).value(), 0.5);
  EXPECT_TRUE(sink_.seen.empty());

  Send(kStart + seconds(15),
       {{"node_memory_MemAvailable_bytes", {}, 5}, {"node_memory_MemTotal_bytes", {}, 100}});
  ASSERT_EQ(sink_.Kinds(), std::vector<Kind>{Kind::kFiring});
  EXPECT_EQ(sink_.seen[0].state.severity, Severity::kCritical);
  EXPECT_EQ(LabelValue(sink_.seen[0].state.labels, "kind"), "ram");
  EXPECT_DOUBLE_EQ(sink_.seen[0].state.value, 0.95);

  // The inputs go away: the recorded series goes stale, as a scrape's would, /metrics loses it
  // and the alert resolves.
  recorded = Send(kStart + seconds(30), {{"node_load1", {}, 1}});
  ASSERT_TRUE(recorded);
  EXPECT_EQ(recorded->families_size(), 0);
  EXPECT_EQ(sink_.Kinds(), (std::vector<Kind>{Kind::kFiring, Kind::kResolved}));
  // A snapshot that nothing a recording rule selects can change runs none of them.
  EXPECT_FALSE(Send(kStart + seconds(45), {{"node_load1", {}, 1}}));
}

TEST_F(PromqlRuleTest, OneAlertNameWithTwoSeveritiesGivesTwoAlerts) {
  Make(R"(groups:
  - name: disk
    rules:
      - alert: DiskAlmostFull
        expr: node_filesystem_avail_bytes / node_filesystem_size_bytes < 0.2
        labels: {severity: warning}
      - alert: DiskAlmostFull
        expr: node_filesystem_avail_bytes / node_filesystem_size_bytes < 0.05
        labels: {severity: critical}
)");
  Send(kStart, {{"node_filesystem_avail_bytes", {{"mountpoint", "/"}}, 3},
                {"node_filesystem_size_bytes", {{"mountpoint", "/"}}, 100}});
  ASSERT_EQ(sink_.Kinds(), (std::vector<Kind>{Kind::kFiring, Kind::kFiring}));
  EXPECT_EQ(sink_.seen[0].state.rule, "DiskAlmostFull");
  EXPECT_EQ(sink_.seen[0].state.severity, Severity::kMedium);
  EXPECT_EQ(sink_.seen[1].state.rule, "DiskAlmostFull#2");
  EXPECT_EQ(sink_.seen[1].state.severity, Severity::kCritical);
  EXPECT_NE(sink_.seen[0].state.fingerprint, sink_.seen[1].state.fingerprint);
  // Space comes back above 5 %: only the critical one resolves.
  Send(kStart + seconds(15), {{"node_filesystem_avail_bytes", {{"mountpoint", "/"}}, 10},
                              {"node_filesystem_size_bytes", {{"mountpoint", "/"}}, 100}});
  ASSERT_EQ(sink_.seen.size(), 3u);
  EXPECT_EQ(sink_.seen[2].kind, Kind::kResolved);
  EXPECT_EQ(sink_.seen[2].state.rule, "DiskAlmostFull#2");
}

TEST_F(PromqlRuleTest, TheShippedHostRulesMeanWhatTheySay) {
  auto loaded = LoadRuleFiles({VIGIL_SOURCE_DIR "/config/examples/rules.d/host.yaml"});
  for (const auto& problem : loaded.problems) ADD_FAILURE() << config::FormatDiagnostic(problem);
  engine_ = std::make_unique<RuleEngine>(std::move(loaded.config.rules), sink_);
  for (int step = 0; step <= 30; ++step) {
    const double t = 15.0 * step;
    std::vector<std::tuple<std::string, Labels, double>> series = {
        {"node_load5", {}, 2},
        {"node_memory_MemAvailable_bytes", {}, 8e9},
        {"node_memory_MemTotal_bytes", {}, 16e9}};
    for (int cpu = 0; cpu < 4; ++cpu) {
      series.push_back({"node_cpu_seconds_total",
                        {{"cpu", std::to_string(cpu)}, {"mode", "idle"}},
                        cpu == 0 ? 0.0 : t});
    }
    const Labels volume = {{"device", "/dev/sdb1"}, {"fstype", "ext4"}, {"mountpoint", "/srv"}};
    series.push_back({"node_filesystem_avail_bytes", volume, 100e9});
    series.push_back({"node_filesystem_size_bytes", volume, 4e12});
    series.push_back({"node_filesystem_files_free", volume, 1e6});
    series.push_back({"node_filesystem_files", volume, 2e6});
    Send(kStart + seconds(15 * step), std::move(series));
  }
  std::vector<std::string> fired;
  for (const AlertTransition& t : sink_.seen) {
    if (t.kind == Kind::kFiring)
      fired.push_back(t.state.rule + " " + std::string(LabelValue(t.state.labels, "mountpoint")));
  }
  EXPECT_THAT(fired, ::testing::ElementsAre("HostDiskAlmostFull /srv"));
}

TEST_F(PromqlRuleTest, MistakesAreReportedAtTheirPositionWhenTheFileLoads) {
  auto loaded = ParseRuleFile("rules:\n  - name: A\n    expr: sum(x) by (a) > bool\n", "r.yaml");
  ASSERT_EQ(loaded.problems.size(), 1u);
  EXPECT_THAT(config::FormatDiagnostic(loaded.problems[0]),
              ::testing::HasSubstr("r.yaml:3:31: rules[0].expr: expected an expression"));
  loaded = ParseRuleFile("rules:\n  - name: A\n    expr: scalar(x) * 2\n", "r.yaml");
  ASSERT_EQ(loaded.problems.size(), 1u);
  EXPECT_THAT(config::FormatDiagnostic(loaded.problems[0]),
              ::testing::HasSubstr("must give an instant vector, not a scalar"));
}

}  // namespace
}  // namespace vigil::alerting
