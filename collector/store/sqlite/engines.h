#pragma once
// The SQLite engine of each store, on one shared Engine (internal to collector/store).

#include <memory>

#include "collector/store/sqlite/engine.h"
#include "collector/store/store.h"

namespace vigil::collector::sqlite_store {

std::unique_ptr<TokenStore> MakeTokenStore(Engine& engine);
std::unique_ptr<AgentStore> MakeAgentStore(Engine& engine);
std::unique_ptr<IncidentStore> MakeIncidentStore(Engine& engine);
std::unique_ptr<FaultReportStore> MakeFaultReportStore(Engine& engine);
std::unique_ptr<SlaEventStore> MakeSlaEventStore(Engine& engine);
std::unique_ptr<FindingStore> MakeFindingStore(Engine& engine);
std::unique_ptr<SilenceStore> MakeSilenceStore(Engine& engine);
std::unique_ptr<OutboxStore> MakeOutboxStore(Engine& engine);
std::unique_ptr<RuleStateStore> MakeRuleStateStore(Engine& engine);

// Writes that one store's transaction makes in another's tables. Each runs under the engine's
// lock, inside the caller's transaction.

// Queues notifications in the outbox (outbox_store.cc).
Status InsertNotifications(Engine& engine, const std::vector<alerting::OutboxEntry>& entries);
// Appends to an incident's timeline (incident_store.cc). Error "not_found" for an unknown id.
Status AppendIncidentTimeline(Engine& engine, const std::string& incident_id,
                              const std::vector<TimelineEntry>& entries);
// Appends to a fault report's history (fault_report_store.cc).
Status AppendReportHistory(Engine& engine, const std::string& report_id,
                           const std::vector<ReportHistoryEntry>& entries);

}  // namespace vigil::collector::sqlite_store
