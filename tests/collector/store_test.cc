// The stores' contract, held by every engine (parameterized: SQLite and the in-memory fake that the
// service tests use), then what only a durable engine can show: reopening keeps everything.

#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "collector/store/store.h"
#include "collector/store/token.h"
#include "tests/support/fake_store.h"
#include "tests/support/temp_dir.h"

namespace vigil::collector {
namespace {

TokenRecord Enrollment(const std::string& id, const std::string& customer, std::int64_t created) {
  TokenRecord token;
  token.id = id;
  token.customer = customer;
  token.created_ms = created;
  return token;
}

IncidentRecord Incident(const std::string& id, const std::string& fingerprint,
                        std::int64_t started) {
  IncidentRecord incident;
  incident.id = id;
  incident.rule = "HighLoad";
  incident.fingerprint = fingerprint;
  incident.severity = "high";
  incident.customer = "acme";
  incident.agent = "web-01";
  incident.labels = {{"agent", "web-01"}, {"customer", "acme"}};
  incident.annotations = {{"summary", "load 5"}};
  incident.summary = "load 5";
  incident.value = 5.5;
  incident.started_ms = started;
  incident.updated_ms = started;
  incident.timeline = {{started, "fired", "rule", "load 5"}};
  return incident;
}

FaultReportRecord Report(const std::string& id, const std::string& customer, std::int64_t at) {
  FaultReportRecord report;
  report.id = id;
  report.customer = customer;
  report.title = "printer";
  report.reported_ms = at;
  report.occurred_ms = at;
  report.updated_ms = at;
  report.history = {{at, "", "new", "user ann", "", {}}};
  return report;
}

alerting::OutboxEntry Notification(const std::string& id, const std::string& item) {
  alerting::OutboxEntry entry;
  entry.id = id;
  entry.incident_id = item;
  entry.receiver = "oncall";
  entry.event = "firing";
  entry.body = "{}";
  entry.created_ms = 1;
  entry.next_attempt_ms = 1;
  entry.state = alerting::OutboxState::kPending;
  return entry;
}

// Each engine, by name: a store that starts empty.
struct Engine {
  std::string name;
  std::function<std::unique_ptr<Store>(const testing::TempDir&)> open;
};

void PrintTo(const Engine& engine, std::ostream* out) { *out << engine.name; }

class StoreContract : public ::testing::TestWithParam<Engine> {
 protected:
  StoreContract() : store_(GetParam().open(dir_)) {}
  testing::TempDir dir_;
  std::unique_ptr<Store> store_;
};

std::unique_ptr<Store> Open(const testing::TempDir& dir) {
  auto store = OpenSqliteStore(dir.File("vigil.db"));
  if (!store.ok()) ADD_FAILURE() << store.error().message;
  return std::move(*store);
}

TEST(SqliteStore, FindsTokensByHashAndStoresNoPlaintext) {
  testing::TempDir dir;
  const std::string token = GenerateToken();
  {
    auto store = Open(dir);
    ASSERT_TRUE(store->tokens().AddToken(Enrollment("id1", "acme", 1000), HashToken(token)).ok());
    auto found = store->tokens().FindToken(HashToken(token));
    ASSERT_TRUE(found.ok() && found->has_value());
    EXPECT_EQ((*found)->customer, "acme");
    EXPECT_FALSE(store->tokens().FindToken(HashToken(token + "x"))->has_value());
  }
  for (const char* file : {"vigil.db", "vigil.db-wal"}) {
    const std::string bytes = testing::ReadFile(dir.File(file));
    EXPECT_EQ(bytes.find(token), std::string::npos) << file;
  }
}

TEST_P(StoreContract, RevokingKeepsTheFirstTimeAndUnknownIdsAreNotFound) {
  auto& store = store_;
  ASSERT_TRUE(store->tokens().AddToken(Enrollment("id1", "acme", 1000), "h1").ok());
  ASSERT_TRUE(store->tokens().RevokeToken("id1", 2000).ok());
  ASSERT_TRUE(store->tokens().RevokeToken("id1", 3000).ok());
  EXPECT_EQ(*(*store->tokens().FindToken("h1"))->revoked_ms, 2000);
  EXPECT_EQ(store->tokens().RevokeToken("nope", 1).error().code, ErrorCode::kNotFound);
}

TEST(SqliteStore, AppliesEachSequenceOnceAcrossReopening) {
  testing::TempDir dir;
  {
    auto store = Open(dir);
    auto agent = store->agents().RecordHello("acme", "web-01", "host", "0.1.0", 1);
    ASSERT_TRUE(agent.ok());
    EXPECT_EQ(agent->last_sequence, 0u);
    EXPECT_EQ(*store->agents().RecordBatch("acme", "web-01", 1, 2), BatchOutcome::kApplied);
    EXPECT_EQ(*store->agents().RecordBatch("acme", "web-01", 2, 3), BatchOutcome::kApplied);
    EXPECT_EQ(*store->agents().RecordBatch("acme", "web-01", 2, 4), BatchOutcome::kDuplicate);
    EXPECT_EQ(*store->agents().RecordBatch("acme", "web-01", 1, 4), BatchOutcome::kDuplicate);
    EXPECT_EQ(*store->agents().RecordBatch("acme", "web-01", 7, 5),
              BatchOutcome::kApplied);  // gap ok
  }
  auto store = Open(dir);
  auto agent = store->agents().RecordHello("acme", "web-01", "host", "0.1.1", 9);
  EXPECT_EQ(agent->last_sequence, 7u);
  EXPECT_EQ(agent->batches_applied, 3u);
  EXPECT_EQ(agent->version, "0.1.1");
}

TEST_P(StoreContract, KeepsAgentsOfDifferentCustomersApart) {
  auto& store = store_;
  ASSERT_TRUE(store->agents().RecordHello("acme", "web-01", "h", "v", 1).ok());
  ASSERT_TRUE(store->agents().RecordHello("globex", "web-01", "h", "v", 1).ok());
  EXPECT_EQ(*store->agents().RecordBatch("acme", "web-01", 5, 2), BatchOutcome::kApplied);
  EXPECT_EQ(*store->agents().RecordBatch("globex", "web-01", 1, 2), BatchOutcome::kApplied);
  EXPECT_EQ(store->agents().ListAgents()->size(), 2u);
}

TEST_P(StoreContract, AgentLabelsAndGoodbyeAreKeptUntilTheNextHello) {
  auto& store = store_;
  ASSERT_TRUE(store->agents().RecordHello("acme", "web-01", "h", "v", 1, {{"role", "web"}}).ok());
  ASSERT_TRUE(store->agents().RecordGoodbye("acme", "web-01", 5).ok());
  auto agents = store->agents().ListAgents();
  ASSERT_EQ(agents->size(), 1u);
  EXPECT_EQ(agents->front().labels, (StringPairs{{"role", "web"}}));
  EXPECT_EQ(agents->front().goodbye_ms, 5);
  auto again = store->agents().RecordHello("acme", "web-01", "h", "v", 9, {{"role", "db"}});
  EXPECT_FALSE(again->goodbye_ms.has_value());
  EXPECT_EQ(again->labels, (StringPairs{{"role", "db"}}));
}

TEST(SqliteStore, IncidentsKeepTheirTimelineInOrderAcrossReopening) {
  testing::TempDir dir;
  {
    auto store = Open(dir);
    IncidentRecord incident = Incident("inc-1", "fp1", 1000);
    ASSERT_TRUE(store->incidents().CreateIncident(incident).ok());
    incident.state = IncidentState::kAcknowledged;
    incident.acknowledged_ms = 2000;
    incident.acknowledged_by = "user ann";
    incident.updated_ms = 3000;
    ASSERT_TRUE(store->incidents()
                    .UpdateIncident(incident, {{2000, "acknowledged", "user ann", ""},
                                               {3000, "note", "user ann", "looking"}})
                    .ok());
  }
  auto store = Open(dir);
  auto found = store->incidents().GetIncident("inc-1");
  ASSERT_TRUE(found.ok() && found->has_value());
  const IncidentRecord& incident = **found;
  EXPECT_EQ(incident.state, IncidentState::kAcknowledged);
  EXPECT_EQ(incident.acknowledged_by, "user ann");
  EXPECT_EQ(incident.value, 5.5);
  EXPECT_EQ(incident.annotations, (StringPairs{{"summary", "load 5"}}));
  ASSERT_EQ(incident.timeline.size(), 3u);
  EXPECT_EQ(incident.timeline[0].type, "fired");
  EXPECT_EQ(incident.timeline[2].text, "looking");
  EXPECT_TRUE(store->incidents().FindOpenIncident("fp1")->has_value());
  EXPECT_EQ(store->incidents().UpdateIncident(Incident("inc-x", "fp", 1), {}).error().code,
            ErrorCode::kNotFound);
}

TEST_P(StoreContract, ListsIncidentsNewestFirstByFilterAndPage) {
  auto& store = store_;
  for (int i = 0; i < 5; ++i) {
    IncidentRecord incident =
        Incident("inc-" + std::to_string(i), "fp" + std::to_string(i), i * 1000);
    if (i % 2 == 1) incident.state = IncidentState::kResolved;
    if (i == 4) incident.customer = "globex";
    ASSERT_TRUE(store->incidents().CreateIncident(incident).ok());
  }
  auto first = store->incidents().ListIncidents({}, std::nullopt, 2);
  ASSERT_EQ(first->items.size(), 2u);
  EXPECT_EQ(first->items[0].id, "inc-4");
  ASSERT_TRUE(first->next.has_value());
  auto second = store->incidents().ListIncidents({}, first->next, 2);
  EXPECT_EQ(second->items[0].id, "inc-2");
  auto last = store->incidents().ListIncidents({}, second->next, 2);
  EXPECT_EQ(last->items.size(), 1u);
  EXPECT_FALSE(last->next.has_value());

  IncidentFilter open_acme;
  open_acme.states = {IncidentState::kFiring, IncidentState::kAcknowledged};
  open_acme.customer = "acme";
  open_acme.since_ms = 1000;
  auto filtered = store->incidents().ListIncidents(open_acme, std::nullopt, 100);
  ASSERT_EQ(filtered->items.size(), 1u);
  EXPECT_EQ(filtered->items[0].id, "inc-2");
  EXPECT_EQ(store->incidents().OpenIncidents()->size(), 3u);
}

TEST(SqliteStore, SilencesAndRuleStatesSurviveReopening) {
  testing::TempDir dir;
  alerting::SeriesStateRecord state;
  state.rule = "HighLoad";
  state.series_key = "acme/web-01/health#00000000000000ff";
  state.fingerprint = "fp";
  state.labels = {{"agent", "web-01"}};
  state.state = alerting::AlertState::kFiring;
  state.active_since = alerting::TimePoint(std::chrono::milliseconds(1000));
  state.cleared_at = alerting::TimePoint(std::chrono::milliseconds(3000));
  state.value = NAN;
  state.severity = Severity::kCritical;
  {
    auto store = Open(dir);
    ASSERT_TRUE(store->silences()
                    .CreateSilence({"sil-1", {{"customer", "=", "acme"}}, 1, 2, "maint", "ann", 1})
                    .ok());
    ASSERT_TRUE(store->silences().SetSilenceEnd("sil-1", 5).ok());
    EXPECT_EQ(store->silences().SetSilenceEnd("nope", 5).error().code, ErrorCode::kNotFound);
    ASSERT_TRUE(store->rule_states().SaveRuleState(state).ok());
    alerting::SeriesStateRecord other = state;
    other.fingerprint = "gone";
    ASSERT_TRUE(store->rule_states().SaveRuleState(other).ok());
    ASSERT_TRUE(store->rule_states().DeleteRuleState("gone").ok());
  }
  auto store = Open(dir);
  auto silences = store->silences().ListSilences();
  ASSERT_EQ(silences->size(), 1u);
  EXPECT_EQ(silences->front().ends_ms, 5);
  EXPECT_EQ(silences->front().matchers[0].value, "acme");
  auto states = store->rule_states().LoadRuleStates();
  ASSERT_EQ(states->size(), 1u);
  const alerting::SeriesStateRecord& loaded = states->front();
  EXPECT_EQ(loaded.series_key, state.series_key);
  EXPECT_EQ(loaded.state, alerting::AlertState::kFiring);
  EXPECT_EQ(loaded.cleared_at, state.cleared_at);
  EXPECT_TRUE(std::isnan(loaded.value));
  EXPECT_EQ(loaded.severity, Severity::kCritical);
  EXPECT_EQ(loaded.labels, state.labels);
}

TEST_P(StoreContract, AnSlaEventIsMarkedOnceWithItsNoteOnTheItemAndItsNotifications) {
  ASSERT_TRUE(store_->incidents().CreateIncident(Incident("inc-1", "fp1", 1000)).ok());
  ASSERT_TRUE(store_->fault_reports().CreateFaultReport(Report("fr-1", "acme", 1000)).ok());
  const SlaItemRef incident{SlaItemRef::Kind::kIncident, "inc-1"};
  const SlaItemRef report{SlaItemRef::Kind::kFaultReport, "fr-1"};
  EXPECT_TRUE(*store_->sla_events().MarkSlaEvent(incident, "response_breached", 2000, "late",
                                                 {Notification("n-1", "inc-1")}));
  EXPECT_FALSE(*store_->sla_events().MarkSlaEvent(incident, "response_breached", 3000, "again",
                                                  {Notification("n-2", "inc-1")}));
  EXPECT_TRUE(*store_->sla_events().MarkSlaEvent(report, "response_at_risk", 2500, "soon"));
  const IncidentRecord noted = **store_->incidents().GetIncident("inc-1");
  ASSERT_EQ(noted.timeline.size(), 2u);
  EXPECT_EQ(noted.timeline[1].type, "sla");
  EXPECT_EQ(noted.timeline[1].text, "late");
  const FaultReportRecord history = **store_->fault_reports().GetFaultReport("fr-1");
  ASSERT_EQ(history.history.size(), 2u);
  EXPECT_EQ(history.history[1].note, "soon");
  EXPECT_EQ(history.history[1].actor, "system");
  auto pending = store_->outbox().PendingNotifications();
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ(pending->front().id, "n-1");
  auto counts = store_->sla_events().CountSlaEvents();
  ASSERT_EQ(counts->size(), 2u);
  std::map<std::string, std::int64_t> by_kind;
  for (const SlaEventCount& count : *counts) by_kind[count.kind + "/" + count.event] = count.count;
  EXPECT_EQ(by_kind["incident/response_breached"], 1);
  EXPECT_EQ(by_kind["fault/response_at_risk"], 1);
}

TEST_P(StoreContract, ANotificationAttemptIsNotedOnItsIncidentOrReport) {
  ASSERT_TRUE(store_->incidents()
                  .CreateIncident(Incident("inc-1", "fp1", 1000), {Notification("n-1", "inc-1")})
                  .ok());
  ASSERT_TRUE(store_->fault_reports().CreateFaultReport(Report("fr-1", "acme", 1000)).ok());
  ASSERT_TRUE(*store_->sla_events().MarkSlaEvent({SlaItemRef::Kind::kFaultReport, "fr-1"},
                                                 "response_breached", 2000, "",
                                                 {Notification("n-2", "fr-1")}));
  alerting::OutboxEntry delivered = Notification("n-1", "inc-1");
  delivered.state = alerting::OutboxState::kDelivered;
  delivered.attempts = 1;
  ASSERT_TRUE(store_->outbox()
                  .RecordNotification(delivered, {{3000, "notified", "system", "oncall"}})
                  .ok());
  alerting::OutboxEntry dead = Notification("n-2", "fr-1");
  dead.state = alerting::OutboxState::kDead;
  ASSERT_TRUE(store_->outbox()
                  .RecordNotification(dead, {{3000, "notify_failed", "system", "gave up"}})
                  .ok());
  EXPECT_EQ((*store_->incidents().GetIncident("inc-1"))->timeline.back().text, "oncall");
  EXPECT_EQ((*store_->fault_reports().GetFaultReport("fr-1"))->history.back().note, "gave up");
  EXPECT_EQ(store_->outbox().RecordNotification(Notification("n-x", "inc-1"), {}).error().code,
            ErrorCode::kNotFound);
  auto counts = *store_->outbox().CountNotifications();
  EXPECT_EQ(counts[alerting::OutboxState::kDelivered], 1);
  EXPECT_EQ(counts[alerting::OutboxState::kDead], 1);
  auto listed = store_->outbox().ListNotifications(std::nullopt, "", "oncall", std::nullopt, 1);
  ASSERT_EQ(listed->items.size(), 1u);
  EXPECT_EQ(listed->items[0].id, "n-2");
  auto rest = store_->outbox().ListNotifications(std::nullopt, "", "oncall", listed->next, 1);
  ASSERT_EQ(rest->items.size(), 1u);
  EXPECT_EQ(rest->items[0].id, "n-1");
  EXPECT_EQ(store_->outbox().NotificationsOf("fr-1")->size(), 1u);
}

TEST_P(StoreContract, FaultReportsListNewestFirstWithTheirHistoryAndLinks) {
  for (int i = 0; i < 3; ++i) {
    FaultReportRecord report =
        Report("fr-" + std::to_string(i), i == 2 ? "globex" : "acme", 1000 * (i + 1));
    if (i == 0) report.incidents = {"inc-9"};
    ASSERT_TRUE(store_->fault_reports().CreateFaultReport(report).ok());
  }
  FaultReportRecord resolved = **store_->fault_reports().GetFaultReport("fr-1");
  resolved.status = "resolved";
  resolved.satisfaction_score = 4;
  resolved.satisfaction_ms = 5000;
  resolved.incidents = {"inc-9"};
  ASSERT_TRUE(store_->fault_reports()
                  .UpdateFaultReport(resolved, {{5000, "new", "resolved", "user ann", "", {}}})
                  .ok());
  EXPECT_EQ(store_->fault_reports().UpdateFaultReport(Report("fr-x", "acme", 1), {}).error().code,
            ErrorCode::kNotFound);
  auto page = store_->fault_reports().ListFaultReports({}, std::nullopt, 2);
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].id, "fr-2");
  EXPECT_EQ(page->items[1].history.size(), 2u);
  auto rest = store_->fault_reports().ListFaultReports({}, page->next, 2);
  ASSERT_EQ(rest->items.size(), 1u);
  EXPECT_EQ(rest->items[0].incidents, std::vector<std::string>{"inc-9"});
  FaultReportFilter acme;
  acme.customer = "acme";
  acme.since_ms = 2000;
  EXPECT_EQ(store_->fault_reports().ListFaultReports(acme, std::nullopt, 10)->items.size(), 1u);
  auto open = store_->fault_reports().OpenFaultReports();
  ASSERT_EQ(open->size(), 2u);
  EXPECT_EQ(open->front().id, "fr-0");
  EXPECT_EQ(*store_->fault_reports().ReportsOfIncident("inc-9"),
            (std::vector<std::string>{"fr-0", "fr-1"}));
  auto satisfaction = store_->sla_events().SatisfactionSince(4000);
  ASSERT_EQ(satisfaction->size(), 1u);
  EXPECT_EQ(satisfaction->front().customer, "acme");
  EXPECT_EQ(satisfaction->front().sum, 4);
  EXPECT_TRUE(store_->sla_events().SatisfactionSince(6000)->empty());
}

TEST_P(StoreContract, AFindingKeepsWhenItWasFirstSeen) {
  SecurityFindingRecord finding{"acme",
                                "web-01",
                                "ssh",
                                "root_login",
                                "high",
                                "root may log in",
                                "PermitRootLogin yes",
                                "set it to no",
                                10,
                                10};
  ASSERT_TRUE(store_->findings().PutSecurityFinding(finding).ok());
  finding.first_seen_ms = 20;
  finding.last_seen_ms = 20;
  finding.evidence = "PermitRootLogin without-password";
  ASSERT_TRUE(store_->findings().PutSecurityFinding(finding).ok());
  SecurityFindingRecord other = finding;
  other.check = "accounts";
  ASSERT_TRUE(store_->findings().PutSecurityFinding(other).ok());
  auto held = store_->findings().SecurityFindingsOf("acme", "web-01");
  ASSERT_EQ(held->size(), 2u);
  EXPECT_EQ((*held)[0].check, "accounts");
  EXPECT_EQ((*held)[1].first_seen_ms, 10);
  EXPECT_EQ((*held)[1].evidence, "PermitRootLogin without-password");
  ASSERT_TRUE(
      store_->findings().DeleteSecurityFinding("acme", "web-01", "accounts", "root_login").ok());
  EXPECT_EQ(store_->findings().SecurityFindingsOf("acme", "web-01")->size(), 1u);
  EXPECT_TRUE(store_->findings().SecurityFindingsOf("globex", "web-01")->empty());
}

INSTANTIATE_TEST_SUITE_P(
    Engines, StoreContract,
    ::testing::Values(Engine{"sqlite", [](const testing::TempDir& dir) { return Open(dir); }},
                      Engine{"fake",
                             [](const testing::TempDir&) -> std::unique_ptr<Store> {
                               return std::make_unique<testing::FakeStore>();
                             }}),
    [](const ::testing::TestParamInfo<Engine>& engine) { return engine.param.name; });

}  // namespace
}  // namespace vigil::collector
