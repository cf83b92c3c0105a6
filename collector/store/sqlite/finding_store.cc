// The SQLite engine of FindingStore.

#include "collector/store/sqlite/engines.h"

namespace vigil::collector::sqlite_store {
namespace {

constexpr std::string_view kPut =
    "INSERT INTO security_findings (customer, agent, check_id, key, severity, title, evidence,"
    " remediation, first_seen_ms, last_seen_ms) VALUES (:customer, :agent, :check, :key,"
    " :severity, :title, :evidence, :remediation, :first_seen_ms, :last_seen_ms)"
    " ON CONFLICT (customer, agent, check_id, key) DO UPDATE SET severity = excluded.severity,"
    " title = excluded.title, evidence = excluded.evidence, remediation = excluded.remediation,"
    " last_seen_ms = excluded.last_seen_ms";
constexpr std::string_view kDelete =
    "DELETE FROM security_findings WHERE customer = :customer AND agent = :agent"
    " AND check_id = :check AND key = :key";
constexpr std::string_view kOfAgent =
    "SELECT customer, agent, check_id, key, severity, title, evidence, remediation,"
    " first_seen_ms, last_seen_ms FROM security_findings"
    " WHERE customer = :customer AND agent = :agent ORDER BY check_id, key";

auto BindKey(const std::string& customer, const std::string& agent, const std::string& check,
             const std::string& key) {
  return [&](sqlite::Statement& statement) {
    statement.Bind(":customer", customer)
        .Bind(":agent", agent)
        .Bind(":check", check)
        .Bind(":key", key);
  };
}

class SqliteFindingStore final : public EngineBound<FindingStore> {
 public:
  using EngineBound::EngineBound;

  Status PutSecurityFinding(const SecurityFindingRecord& f) override {
    auto lock = engine_.Lock();
    return Run(engine_, kPut, [&](sqlite::Statement& upsert) {
      BindKey(f.customer, f.agent, f.check, f.key)(upsert);
      upsert.Bind(":severity", f.severity)
          .Bind(":title", f.title)
          .Bind(":evidence", f.evidence)
          .Bind(":remediation", f.remediation)
          .Bind(":first_seen_ms", f.first_seen_ms)
          .Bind(":last_seen_ms", f.last_seen_ms);
    });
  }

  Status DeleteSecurityFinding(const std::string& customer, const std::string& agent,
                               const std::string& check, const std::string& key) override {
    auto lock = engine_.Lock();
    return Run(engine_, kDelete, BindKey(customer, agent, check, key));
  }

  Result<std::vector<SecurityFindingRecord>> SecurityFindingsOf(const std::string& customer,
                                                                const std::string& agent) override {
    auto lock = engine_.Lock();
    return All<SecurityFindingRecord>(
        engine_, kOfAgent,
        [&](sqlite::Statement& query) { query.Bind(":customer", customer).Bind(":agent", agent); },
        [](const sqlite::Statement& r) {
          return SecurityFindingRecord{r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4),
                                       r.Text(5), r.Text(6), r.Text(7), r.Int(8),  r.Int(9)};
        });
  }
};

}  // namespace

std::unique_ptr<FindingStore> MakeFindingStore(Engine& engine) {
  return std::make_unique<SqliteFindingStore>(engine);
}

}  // namespace vigil::collector::sqlite_store
