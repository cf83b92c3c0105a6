#pragma once
// The collector's durable state: one small interface per thing it keeps, composed here (as
// Prometheus composes Queryable and Appendable), so that each part is given only the stores it
// uses and each engine (SQLite now, PostgreSQL next) adds files beside the others.
//
// Implementations are thread-safe; every call that returns success has committed durably (it
// survives kill -9). Times are milliseconds since the Unix epoch. tests/support/fake_store.h has an
// in-memory fake of each interface.

#include <memory>
#include <string>

#include "collector/store/agent_store.h"
#include "collector/store/fault_report_store.h"
#include "collector/store/finding_store.h"
#include "collector/store/incident_store.h"
#include "collector/store/outbox_store.h"
#include "collector/store/rule_state_store.h"
#include "collector/store/silence_store.h"
#include "collector/store/sla_event_store.h"
#include "collector/store/token_store.h"
#include "common/result.h"

namespace vigil::collector {

class Store {
 public:
  virtual ~Store() = default;
  virtual TokenStore& tokens() = 0;
  virtual AgentStore& agents() = 0;
  virtual IncidentStore& incidents() = 0;
  virtual FaultReportStore& fault_reports() = 0;
  virtual SlaEventStore& sla_events() = 0;
  virtual FindingStore& findings() = 0;
  virtual SilenceStore& silences() = 0;
  virtual OutboxStore& outbox() = 0;
  virtual RuleStateStore& rule_states() = 0;
};

// Opens or creates the SQLite store (WAL, synchronous=FULL), migrating its schema.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path);

}  // namespace vigil::collector
