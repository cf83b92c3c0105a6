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

class SqliteFindingStore final : public FindingStore {
 public:
  explicit SqliteFindingStore(Engine& engine) : engine_(engine) {}

  Status PutSecurityFinding(const SecurityFindingRecord& f) override {
    auto lock = engine_.Lock();
    auto prepared = engine_.Prepare(kPut);
    if (!prepared) return prepared.error();
    sqlite::Statement& upsert = **prepared;
    upsert.Bind(":customer", f.customer)
        .Bind(":agent", f.agent)
        .Bind(":check", f.check)
        .Bind(":key", f.key)
        .Bind(":severity", f.severity)
        .Bind(":title", f.title)
        .Bind(":evidence", f.evidence)
        .Bind(":remediation", f.remediation)
        .Bind(":first_seen_ms", f.first_seen_ms)
        .Bind(":last_seen_ms", f.last_seen_ms);
    return upsert.Run();
  }

  Status DeleteSecurityFinding(const std::string& customer, const std::string& agent,
                               const std::string& check, const std::string& key) override {
    auto lock = engine_.Lock();
    auto prepared = engine_.Prepare(kDelete);
    if (!prepared) return prepared.error();
    sqlite::Statement& remove = **prepared;
    remove.Bind(":customer", customer)
        .Bind(":agent", agent)
        .Bind(":check", check)
        .Bind(":key", key);
    return remove.Run();
  }

  Result<std::vector<SecurityFindingRecord>> SecurityFindingsOf(const std::string& customer,
                                                                const std::string& agent) override {
    auto lock = engine_.Lock();
    auto prepared = engine_.Prepare(kOfAgent);
    if (!prepared) return prepared.error();
    sqlite::Statement& query = **prepared;
    query.Bind(":customer", customer).Bind(":agent", agent);
    return AllRows<SecurityFindingRecord>(query, [](const sqlite::Statement& r) {
      return SecurityFindingRecord{r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4),
                                   r.Text(5), r.Text(6), r.Text(7), r.Int(8),  r.Int(9)};
    });
  }

 private:
  Engine& engine_;
};

}  // namespace

std::unique_ptr<FindingStore> MakeFindingStore(Engine& engine) {
  return std::make_unique<SqliteFindingStore>(engine);
}

}  // namespace vigil::collector::sqlite_store
