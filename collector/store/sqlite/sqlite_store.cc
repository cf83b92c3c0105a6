// The SQLite engine of the collector's Store: each store's engine on one shared connection.

#include "collector/store/sqlite/engine.h"
#include "collector/store/sqlite/engines.h"
#include "collector/store/store.h"

namespace vigil::collector {
namespace {

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(std::unique_ptr<sqlite_store::Engine> engine)
      : engine_(std::move(engine)),
        tokens_(sqlite_store::MakeTokenStore(*engine_)),
        agents_(sqlite_store::MakeAgentStore(*engine_)),
        incidents_(sqlite_store::MakeIncidentStore(*engine_)),
        fault_reports_(sqlite_store::MakeFaultReportStore(*engine_)),
        sla_events_(sqlite_store::MakeSlaEventStore(*engine_)),
        findings_(sqlite_store::MakeFindingStore(*engine_)),
        silences_(sqlite_store::MakeSilenceStore(*engine_)),
        outbox_(sqlite_store::MakeOutboxStore(*engine_)),
        rule_states_(sqlite_store::MakeRuleStateStore(*engine_)) {}

  TokenStore& tokens() override { return *tokens_; }
  AgentStore& agents() override { return *agents_; }
  IncidentStore& incidents() override { return *incidents_; }
  FaultReportStore& fault_reports() override { return *fault_reports_; }
  SlaEventStore& sla_events() override { return *sla_events_; }
  FindingStore& findings() override { return *findings_; }
  SilenceStore& silences() override { return *silences_; }
  OutboxStore& outbox() override { return *outbox_; }
  RuleStateStore& rule_states() override { return *rule_states_; }

 private:
  std::unique_ptr<sqlite_store::Engine> engine_;
  std::unique_ptr<TokenStore> tokens_;
  std::unique_ptr<AgentStore> agents_;
  std::unique_ptr<IncidentStore> incidents_;
  std::unique_ptr<FaultReportStore> fault_reports_;
  std::unique_ptr<SlaEventStore> sla_events_;
  std::unique_ptr<FindingStore> findings_;
  std::unique_ptr<SilenceStore> silences_;
  std::unique_ptr<OutboxStore> outbox_;
  std::unique_ptr<RuleStateStore> rule_states_;
};

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path) {
  auto engine = sqlite_store::Engine::Open(path);
  if (!engine) return engine.error();
  return std::unique_ptr<Store>(new SqliteStore(std::move(*engine)));
}

}  // namespace vigil::collector
