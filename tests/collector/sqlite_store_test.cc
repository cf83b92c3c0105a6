#include <gtest/gtest.h>

#include <cmath>

#include "collector/store/store.h"
#include "collector/token.h"
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

TEST(SqliteStore, RevokingKeepsTheFirstTimeAndUnknownIdsAreNotFound) {
  testing::TempDir dir;
  auto store = Open(dir);
  ASSERT_TRUE(store->tokens().AddToken(Enrollment("id1", "acme", 1000), "h1").ok());
  ASSERT_TRUE(store->tokens().RevokeToken("id1", 2000).ok());
  ASSERT_TRUE(store->tokens().RevokeToken("id1", 3000).ok());
  EXPECT_EQ(*(*store->tokens().FindToken("h1"))->revoked_ms, 2000);
  EXPECT_EQ(store->tokens().RevokeToken("nope", 1).error().code, "not_found");
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

TEST(SqliteStore, KeepsAgentsOfDifferentCustomersApart) {
  testing::TempDir dir;
  auto store = Open(dir);
  ASSERT_TRUE(store->agents().RecordHello("acme", "web-01", "h", "v", 1).ok());
  ASSERT_TRUE(store->agents().RecordHello("globex", "web-01", "h", "v", 1).ok());
  EXPECT_EQ(*store->agents().RecordBatch("acme", "web-01", 5, 2), BatchOutcome::kApplied);
  EXPECT_EQ(*store->agents().RecordBatch("globex", "web-01", 1, 2), BatchOutcome::kApplied);
  EXPECT_EQ(store->agents().ListAgents()->size(), 2u);
}

TEST(SqliteStore, AgentLabelsAndGoodbyeAreKeptUntilTheNextHello) {
  testing::TempDir dir;
  auto store = Open(dir);
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

TEST(SqliteStore, IncidentsKeepTheirTimelineInOrderAcrossReopening) {
  testing::TempDir dir;
  {
    auto store = Open(dir);
    IncidentRecord incident = Incident("inc-1", "fp1", 1000);
    ASSERT_TRUE(store->incidents().CreateIncident(incident).ok());
    incident.state = "acknowledged";
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
  EXPECT_EQ(incident.state, "acknowledged");
  EXPECT_EQ(incident.acknowledged_by, "user ann");
  EXPECT_EQ(incident.value, 5.5);
  EXPECT_EQ(incident.annotations, (StringPairs{{"summary", "load 5"}}));
  ASSERT_EQ(incident.timeline.size(), 3u);
  EXPECT_EQ(incident.timeline[0].type, "fired");
  EXPECT_EQ(incident.timeline[2].text, "looking");
  EXPECT_TRUE(store->incidents().FindOpenIncident("fp1")->has_value());
  EXPECT_EQ(store->incidents().UpdateIncident(Incident("inc-x", "fp", 1), {}).error().code,
            "not_found");
}

TEST(SqliteStore, ListsIncidentsNewestFirstByFilterAndPage) {
  testing::TempDir dir;
  auto store = Open(dir);
  for (int i = 0; i < 5; ++i) {
    IncidentRecord incident =
        Incident("inc-" + std::to_string(i), "fp" + std::to_string(i), i * 1000);
    if (i % 2 == 1) incident.state = "resolved";
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
  open_acme.states = {"firing", "acknowledged"};
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
  state.severity = alerting::Severity::kCritical;
  {
    auto store = Open(dir);
    ASSERT_TRUE(store->silences()
                    .CreateSilence({"sil-1", {{"customer", "=", "acme"}}, 1, 2, "maint", "ann", 1})
                    .ok());
    ASSERT_TRUE(store->silences().SetSilenceEnd("sil-1", 5).ok());
    EXPECT_EQ(store->silences().SetSilenceEnd("nope", 5).error().code, "not_found");
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
  EXPECT_EQ(loaded.severity, alerting::Severity::kCritical);
  EXPECT_EQ(loaded.labels, state.labels);
}

}  // namespace
}  // namespace vigil::collector
