#include "collector/service/alerting_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <map>
#include <set>
#include <tuple>

#include "alerting/rule_file.h"
#include "tests/support/fake_store.h"
#include "tests/support/manual_clock.h"

namespace vigil::collector {
namespace {

using std::chrono::seconds;

const AgentKey kWeb{"acme", "web-01"};

wire::Batch LoadBatch(double load, std::int64_t at_ms) {
  wire::Batch batch;
  wire::Snapshot* snapshot = batch.add_snapshots();
  snapshot->set_source("health");
  snapshot->set_timestamp_ms(at_ms);
  wire::MetricFamily* family = snapshot->add_families();
  family->set_name("node_load1");
  family->add_series()->set_value(load);
  return batch;
}

wire::Batch ProbeBatch(double success, const std::string& severity) {
  wire::Batch batch;
  wire::Snapshot* snapshot = batch.add_snapshots();
  snapshot->set_source("probes");
  wire::MetricFamily* family = snapshot->add_families();
  family->set_name("vigil_probe_success");
  wire::Series* series = family->add_series();
  for (auto [name, value] : {std::pair{"probe", "web"}, std::pair{"type", "http"}}) {
    wire::Label* label = series->add_labels();
    label->set_name(name);
    label->set_value(value);
  }
  series->set_value(success);
  if (success == 0) {
    wire::Event* event = batch.add_events();
    event->set_kind("probe_failed");
    for (auto [name, value] :
         {std::pair{"probe", "web"}, std::pair{"severity", severity.c_str()}}) {
      wire::Label* label = event->add_labels();
      label->set_name(name);
      label->set_value(value);
    }
  }
  return batch;
}

// A batch with security events: (kind, check, key, severity).
wire::Batch SecurityBatch(
    const std::vector<std::tuple<std::string, std::string, std::string, std::string>>& events) {
  wire::Batch batch;
  for (const auto& [kind, check, key, severity] : events) {
    wire::Event* event = batch.add_events();
    event->set_kind(kind);
    event->set_source("security");
    event->set_timestamp_ms(1000);
    event->set_message("title of " + key);
    for (auto [name, value] :
         {std::pair{"check", check}, std::pair{"key", key}, std::pair{"severity", severity},
          std::pair{"evidence", std::string("seen at ") + key}}) {
      if (value.empty()) continue;
      wire::Label* label = event->add_labels();
      label->set_name(name);
      label->set_value(value);
    }
  }
  return batch;
}

class AlertingServiceTest : public ::testing::Test {
 protected:
  AlertingServiceTest() {
    config_.builtin_rules.agent_down_after = std::chrono::minutes(1);
    Restart();
  }

  // A new service on the same store, as after a collector restart.
  void Restart(const std::string& rule_file =
                   "rules: [{name: HighLoad, expr: node_load1 > 4, for: 2s, keep_firing_for: 5s,"
                   " severity: critical, annotations: {summary: 'load {{ $value }} on {{ "
                   "$labels.agent }}'}}]") {
    service_.reset();
    registry_ = std::make_unique<prometheus::Registry>();
    auto rules = alerting::ParseRuleFile(rule_file, "rules.yaml");
    EXPECT_TRUE(rules.ok());
    service_ = std::make_unique<AlertingService>(
        *store_, *registry_, clock_, config_,
        alerting::FileRules{std::move(rules.config.rules), std::move(rules.config.recording)});
    service_->SetLiveState(live_);
    ASSERT_TRUE(service_->Start().ok());
  }

  void Connect() {
    ASSERT_TRUE(store_->agents().RecordHello(kWeb.customer, kWeb.agent_id, "h", "v", Now()).ok());
    service_->AgentConnected(kWeb, AgentIdentity{"h", "v", {{"role", "web"}}, 0});
  }
  std::int64_t Now() const { return ToUnixMillis(clock_.Now()); }
  void Send(const wire::Batch& batch) { service_->BatchApplied(kWeb, batch); }
  // Moves time on, second by second, running the timers as the collector would.
  void Pass(seconds duration) {
    for (seconds s{0}; s < duration; ++s) {
      clock_.Advance(seconds(1));
      service_->Tick(clock_.Now());
    }
  }
  std::vector<IncidentRecord> Incidents(const std::string& rule) {
    IncidentFilter filter;
    filter.rule = rule;
    auto page = store_->incidents().ListIncidents(filter, std::nullopt, 100);
    std::vector<IncidentRecord> out;
    for (const IncidentRecord& listed : page->items)
      out.push_back(**store_->incidents().GetIncident(listed.id));
    return out;
  }

  testing::ManualClock clock_;
  config::CollectorConfig config_;
  std::unique_ptr<Store> store_ = std::make_unique<testing::FakeStore>();
  std::unique_ptr<prometheus::Registry> registry_;
  LiveState live_{LiveStateLimits{}};
  std::unique_ptr<AlertingService> service_;
};

TEST_F(AlertingServiceTest, AnIncidentOpensWhenForHasPassedAndResolvesAfterKeepFiringFor) {
  Connect();
  Send(LoadBatch(6, Now()));
  Pass(seconds(1));
  EXPECT_TRUE(Incidents("HighLoad").empty());
  Pass(seconds(1));
  auto incidents = Incidents("HighLoad");
  ASSERT_EQ(incidents.size(), 1u);
  const IncidentRecord& incident = incidents[0];
  EXPECT_EQ(incident.state, IncidentState::kFiring);
  EXPECT_EQ(incident.severity, "critical");
  EXPECT_EQ(incident.customer, "acme");
  EXPECT_EQ(incident.agent, "web-01");
  EXPECT_EQ(incident.summary, "load 6 on web-01");
  EXPECT_THAT(incident.labels,
              ::testing::Contains(std::pair<std::string, std::string>("role", "web")));

  Send(LoadBatch(1, Now()));
  Pass(seconds(4));
  EXPECT_EQ(Incidents("HighLoad")[0].state,
            IncidentState::kFiring);  // keep_firing_for has not passed
  Pass(seconds(1));
  const IncidentRecord resolved = Incidents("HighLoad")[0];
  EXPECT_EQ(resolved.state, IncidentState::kResolved);
  EXPECT_EQ(resolved.resolved_by, "rule");
  ASSERT_EQ(resolved.timeline.size(), 2u);
  EXPECT_EQ(resolved.timeline[1].type, "resolved");
}

TEST_F(AlertingServiceTest, APrometheusRuleFileRecordsSeriesAndNamesIncidentsByTheirAlert) {
  Restart(R"(groups:
  - name: load
    rules:
      - record: instance:load1:doubled
        expr: node_load1 * 2
      - alert: LoadHigh
        expr: instance:load1:doubled > 8
        labels: {severity: warning}
      - alert: LoadHigh
        expr: instance:load1:doubled > 10
        labels: {severity: critical}
)");
  Connect();
  live_.AgentConnected(kWeb, AgentIdentity{"h", "v", {}, 0}, Now());
  Send(LoadBatch(6, Now()));
  // The recorded series is the agent's, where /metrics finds it.
  std::string text;
  PieceWriter next = live_.FleetPieces({});
  while (next(text)) {
  }
  EXPECT_THAT(
      text, ::testing::HasSubstr("instance:load1:doubled{agent=\"web-01\",customer=\"acme\"} 12"));
  // Both alerts fire, each an incident of the alert's name with its own severity.
  const std::vector<IncidentRecord> incidents = Incidents("LoadHigh");
  ASSERT_EQ(incidents.size(), 2u);
  std::set<std::string> severities;
  for (const IncidentRecord& incident : incidents) severities.insert(incident.severity);
  EXPECT_EQ(severities, (std::set<std::string>{"critical", "medium"}));
  EXPECT_TRUE(Incidents("LoadHigh#2").empty());
}

TEST_F(AlertingServiceTest, ARestartKeepsPendingTimersAndOpenIncidents) {
  Connect();
  Send(LoadBatch(6, Now()));
  Pass(seconds(1));
  Restart();  // pending for 1s of 2s
  Connect();
  Pass(seconds(1));
  ASSERT_EQ(Incidents("HighLoad").size(), 1u);
  const std::string id = Incidents("HighLoad")[0].id;
  Restart();
  Connect();
  Send(LoadBatch(7, Now()));
  Pass(seconds(3));
  ASSERT_EQ(Incidents("HighLoad").size(), 1u);  // the same incident, not a second one
  EXPECT_EQ(Incidents("HighLoad")[0].id, id);
}

TEST_F(AlertingServiceTest, AResolvedIncidentWhoseConditionStillHoldsOpensANewOneNamingIt) {
  Connect();
  Send(LoadBatch(6, Now()));
  Pass(seconds(2));
  const std::string first = Incidents("HighLoad")[0].id;
  ASSERT_TRUE(service_->ResolveIncident(first, "user ann", "rebooted", std::nullopt).ok());
  Send(LoadBatch(6, Now()));
  Pass(seconds(2));
  auto incidents = Incidents("HighLoad");
  ASSERT_EQ(incidents.size(), 2u);
  EXPECT_EQ(incidents[0].previous_id, first);
  EXPECT_EQ(incidents[1].resolved_by, "user ann");
}

TEST_F(AlertingServiceTest, AnAgentThatFallsSilentIsDownAndOneThatSaidGoodbyeIsStopped) {
  Connect();
  Send(LoadBatch(1, Now()));
  Pass(seconds(59));
  EXPECT_TRUE(Incidents("AgentDown").empty());
  Pass(seconds(1));
  ASSERT_EQ(Incidents("AgentDown").size(), 1u);
  EXPECT_EQ(Incidents("AgentDown")[0].severity, "high");
  Connect();  // back
  EXPECT_EQ(Incidents("AgentDown")[0].state, IncidentState::kResolved);

  service_->AgentSaidGoodbye(kWeb);
  Pass(seconds(60));
  EXPECT_EQ(Incidents("AgentDown").size(), 1u);  // no new AgentDown
  ASSERT_EQ(Incidents("AgentStopped").size(), 1u);
  EXPECT_EQ(Incidents("AgentStopped")[0].severity, "low");
  Connect();
  EXPECT_EQ(Incidents("AgentStopped")[0].state, IncidentState::kResolved);
}

TEST_F(AlertingServiceTest, AnAgentDownResolvedByHandWhileStillAwayIsDownAgainAfterItsTime) {
  Connect();
  Pass(seconds(60));
  const std::string first = Incidents("AgentDown").at(0).id;
  ASSERT_TRUE(service_->ResolveIncident(first, "user ann", "looking", std::nullopt).ok());
  Pass(seconds(59));
  EXPECT_EQ(Incidents("AgentDown").size(), 1u);
  Pass(seconds(1));
  auto incidents = Incidents("AgentDown");
  ASSERT_EQ(incidents.size(), 2u);
  EXPECT_EQ(incidents[0].state, IncidentState::kFiring);
  EXPECT_EQ(incidents[0].previous_id, first);
  Connect();
  EXPECT_EQ(Incidents("AgentDown")[0].state, IncidentState::kResolved);

  service_->AgentSaidGoodbye(kWeb);
  Pass(seconds(60));
  const std::string stopped = Incidents("AgentStopped").at(0).id;
  ASSERT_TRUE(service_->ResolveIncident(stopped, "user ann", "planned", std::nullopt).ok());
  Pass(seconds(60));
  EXPECT_EQ(Incidents("AgentStopped").size(), 2u);
  EXPECT_EQ(Incidents("AgentDown").size(), 2u);  // still stopped, not down
}

TEST_F(AlertingServiceTest, HeartbeatsKeepAnIdleAgentUp) {
  Connect();
  for (int i = 0; i < 4; ++i) {
    Pass(seconds(30));
    service_->Heartbeat(kWeb);
  }
  EXPECT_TRUE(Incidents("AgentDown").empty());
}

TEST_F(AlertingServiceTest, AgentsKnownBeforeARestartGetTheirTimeToComeBack) {
  Connect();
  Restart();
  Pass(seconds(59));
  EXPECT_TRUE(Incidents("AgentDown").empty());
  Pass(seconds(1));
  EXPECT_EQ(Incidents("AgentDown").size(), 1u);
}

TEST_F(AlertingServiceTest, AFailingProbeOpensProbeFailingWithTheProbesOwnSeverity) {
  Connect();
  Send(ProbeBatch(0, "medium"));
  auto incidents = Incidents("ProbeFailing");
  ASSERT_EQ(incidents.size(), 1u);
  EXPECT_EQ(incidents[0].severity, "medium");
  EXPECT_EQ(incidents[0].summary, "probe web (http) fails on web-01");
  Send(ProbeBatch(1, ""));
  EXPECT_EQ(Incidents("ProbeFailing")[0].state, IncidentState::kResolved);
}

TEST_F(AlertingServiceTest, SecurityFindingsOpenOneIncidentPerCheckAndKeyAndClearResolvesIt) {
  Connect();
  Send(SecurityBatch({{"security_finding", "accounts.uid0", "toor", "critical"},
                      {"security_finding", "fim.changed", "/etc/passwd", "high"}}));
  auto incidents = Incidents("SecurityFinding");
  ASSERT_EQ(incidents.size(), 2u);
  std::map<std::string, IncidentRecord> by_key;
  for (const IncidentRecord& incident : incidents) {
    for (const auto& [name, value] : incident.labels) {
      if (name == "key") by_key[value] = incident;
    }
  }
  EXPECT_EQ(by_key.at("toor").severity, "critical");
  EXPECT_EQ(by_key.at("toor").summary, "security check accounts.uid0 found toor on web-01");
  auto held = store_->findings().SecurityFindingsOf("acme", "web-01");
  ASSERT_TRUE(held.ok());
  ASSERT_EQ(held->size(), 2u);
  EXPECT_EQ((*held)[0].evidence, "seen at toor");

  Send(SecurityBatch({{"security_finding_cleared", "fim.changed", "/etc/passwd", "high"}}));
  for (const IncidentRecord& incident : Incidents("SecurityFinding")) {
    EXPECT_EQ(incident.state, incident.id == by_key.at("toor").id ? IncidentState::kFiring
                                                                  : IncidentState::kResolved);
  }
  EXPECT_EQ(store_->findings().SecurityFindingsOf("acme", "web-01")->size(), 1u);
}

TEST_F(AlertingServiceTest, AResyncReplacesTheAgentsFindingsWithoutReopeningTheOnesThatStay) {
  Connect();
  Send(SecurityBatch({{"security_finding", "accounts.uid0", "toor", "critical"},
                      {"security_finding", "files.suid_new", "/tmp/x", "high"}}));
  // The agent lost its state: it says so, then reports what it finds now.
  Send(SecurityBatch({{"security_findings_resync", "", "", ""},
                      {"security_finding", "accounts.uid0", "toor", "critical"}}));
  std::map<std::string, std::vector<IncidentState>> states;
  for (const IncidentRecord& incident : Incidents("SecurityFinding")) {
    for (const auto& [name, value] : incident.labels) {
      if (name == "key") states[value].push_back(incident.state);
    }
  }
  EXPECT_EQ(states["toor"], std::vector<IncidentState>{IncidentState::kFiring});
  EXPECT_EQ(states["/tmp/x"], std::vector<IncidentState>{IncidentState::kResolved});
  ASSERT_EQ(store_->findings().SecurityFindingsOf("acme", "web-01")->size(), 1u);
}

TEST_F(AlertingServiceTest, ASilenceMarksNewAndOpenIncidentsAndItsEndUnmarksThem) {
  Connect();
  Send(ProbeBatch(0, "high"));
  SilenceRecord silence;
  silence.matchers = {{"customer", "=", "acme"}};
  silence.starts_ms = Now();
  silence.ends_ms = Now() + 60'000;
  silence.comment = "maintenance";
  ASSERT_TRUE(service_->silences().Create(silence, Now()).ok());
  ASSERT_TRUE(service_->SilencesChanged().ok());
  EXPECT_TRUE(Incidents("ProbeFailing")[0].silenced);
  Send(LoadBatch(6, Now()));
  Pass(seconds(2));
  const IncidentRecord load = Incidents("HighLoad")[0];
  EXPECT_TRUE(load.silenced);
  EXPECT_EQ(load.timeline[1].type, "silenced");
  Pass(seconds(60));
  EXPECT_FALSE(Incidents("ProbeFailing")[0].silenced);
  EXPECT_EQ(Incidents("ProbeFailing")[0].timeline.back().type, "unsilenced");
}

}  // namespace
}  // namespace vigil::collector
