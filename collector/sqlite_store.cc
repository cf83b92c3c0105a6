// The SQLite engine of the collector's Store.

#include <mutex>

#include "collector/store.h"
#include "common/sqlite.h"

namespace vigil::collector {
namespace {

// Append only: each entry moves the schema one version forward.
const std::vector<std::string_view> kMigrations = {
    R"sql(
      CREATE TABLE tokens (
        id          TEXT PRIMARY KEY,
        customer    TEXT NOT NULL,
        hash        TEXT NOT NULL UNIQUE,
        created_ms  INTEGER NOT NULL,
        revoked_ms  INTEGER
      );
      CREATE TABLE agents (
        customer         TEXT NOT NULL,
        agent_id         TEXT NOT NULL,
        hostname         TEXT NOT NULL,
        version          TEXT NOT NULL,
        last_sequence    INTEGER NOT NULL DEFAULT 0,
        batches_applied  INTEGER NOT NULL DEFAULT 0,
        first_seen_ms    INTEGER NOT NULL,
        last_seen_ms     INTEGER NOT NULL,
        PRIMARY KEY (customer, agent_id)
      );
    )sql",
};

TokenRecord ReadToken(const sqlite::Statement& row) {
  TokenRecord token;
  token.id = row.Text(0);
  token.customer = row.Text(1);
  token.created_ms = row.Int(2);
  if (!row.IsNull(3)) token.revoked_ms = row.Int(3);
  return token;
}

AgentRecord ReadAgent(const sqlite::Statement& row) {
  AgentRecord agent;
  agent.customer = row.Text(0);
  agent.agent_id = row.Text(1);
  agent.hostname = row.Text(2);
  agent.version = row.Text(3);
  agent.last_sequence = static_cast<std::uint64_t>(row.Int(4));
  agent.batches_applied = static_cast<std::uint64_t>(row.Int(5));
  agent.last_seen_ms = row.Int(6);
  return agent;
}

constexpr const char* kAgentColumns =
    "customer, agent_id, hostname, version, last_sequence, batches_applied, last_seen_ms";

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(std::unique_ptr<sqlite::Database> db) : db_(std::move(db)) {}

  Status AddToken(const TokenRecord& token, const std::string& token_hash) override {
    std::lock_guard lock(mutex_);
    auto insert = db_->Prepare(
        "INSERT INTO tokens (id, customer, hash, created_ms) VALUES (?1, ?2, ?3, ?4)");
    if (!insert) return insert.error();
    insert->Bind(1, token.id).Bind(2, token.customer).Bind(3, token_hash).Bind(4, token.created_ms);
    return insert->Run();
  }

  Result<std::optional<TokenRecord>> FindToken(const std::string& token_hash) override {
    std::lock_guard lock(mutex_);
    auto query = db_->Prepare(
        "SELECT id, customer, created_ms, revoked_ms FROM tokens WHERE hash = ?1");
    if (!query) return query.error();
    query->Bind(1, token_hash);
    Result<bool> row = query->Step();
    if (!row) return row.error();
    if (!*row) return std::optional<TokenRecord>();
    return std::optional<TokenRecord>(ReadToken(*query));
  }

  Result<std::vector<TokenRecord>> ListTokens() override {
    std::lock_guard lock(mutex_);
    auto query = db_->Prepare(
        "SELECT id, customer, created_ms, revoked_ms FROM tokens ORDER BY created_ms, id");
    if (!query) return query.error();
    std::vector<TokenRecord> out;
    for (;;) {
      Result<bool> row = query->Step();
      if (!row) return row.error();
      if (!*row) break;
      out.push_back(ReadToken(*query));
    }
    return out;
  }

  Status RevokeToken(const std::string& id, std::int64_t at_ms) override {
    std::lock_guard lock(mutex_);
    auto update = db_->Prepare(
        "UPDATE tokens SET revoked_ms = coalesce(revoked_ms, ?2) WHERE id = ?1");
    if (!update) return update.error();
    update->Bind(1, id).Bind(2, at_ms);
    if (Status done = update->Run(); !done) return done;
    if (db_->Changes() == 0) return MakeError("not_found", "no token with id " + id);
    return OkStatus();
  }

  Result<AgentRecord> RecordHello(const std::string& customer, const std::string& agent_id,
                                  const std::string& hostname, const std::string& version,
                                  std::int64_t at_ms) override {
    std::lock_guard lock(mutex_);
    auto upsert = db_->Prepare(
        "INSERT INTO agents (customer, agent_id, hostname, version, first_seen_ms, last_seen_ms)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?5)"
        " ON CONFLICT (customer, agent_id) DO UPDATE SET"
        " hostname = excluded.hostname, version = excluded.version,"
        " last_seen_ms = excluded.last_seen_ms");
    if (!upsert) return upsert.error();
    upsert->Bind(1, customer).Bind(2, agent_id).Bind(3, hostname).Bind(4, version).Bind(5, at_ms);
    if (Status done = upsert->Run(); !done) return done.error();
    auto query = db_->Prepare(std::string("SELECT ") + kAgentColumns +
                              " FROM agents WHERE customer = ?1 AND agent_id = ?2");
    if (!query) return query.error();
    query->Bind(1, customer).Bind(2, agent_id);
    Result<bool> row = query->Step();
    if (!row) return row.error();
    if (!*row) return MakeError("sqlite", "agent row vanished after insert");
    return ReadAgent(*query);
  }

  Result<BatchOutcome> RecordBatch(const std::string& customer, const std::string& agent_id,
                                   std::uint64_t sequence, std::int64_t at_ms) override {
    std::lock_guard lock(mutex_);
    auto update = db_->Prepare(
        "UPDATE agents SET last_sequence = ?3, batches_applied = batches_applied + 1,"
        " last_seen_ms = ?4 WHERE customer = ?1 AND agent_id = ?2 AND last_sequence < ?3");
    if (!update) return update.error();
    update->Bind(1, customer)
        .Bind(2, agent_id)
        .Bind(3, static_cast<std::int64_t>(sequence))
        .Bind(4, at_ms);
    if (Status done = update->Run(); !done) return done.error();
    return db_->Changes() == 1 ? BatchOutcome::kApplied : BatchOutcome::kDuplicate;
  }

  Result<std::vector<AgentRecord>> ListAgents() override {
    std::lock_guard lock(mutex_);
    auto query = db_->Prepare(std::string("SELECT ") + kAgentColumns +
                              " FROM agents ORDER BY customer, agent_id");
    if (!query) return query.error();
    std::vector<AgentRecord> out;
    for (;;) {
      Result<bool> row = query->Step();
      if (!row) return row.error();
      if (!*row) break;
      out.push_back(ReadAgent(*query));
    }
    return out;
  }

 private:
  std::mutex mutex_;
  std::unique_ptr<sqlite::Database> db_;  // guarded by mutex_
};

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path) {
  auto db = sqlite::Database::Open(path);
  if (!db) return db.error();
  if (Status migrated = (*db)->Migrate(kMigrations); !migrated) return migrated.error();
  return std::unique_ptr<Store>(std::make_unique<SqliteStore>(std::move(*db)));
}

}  // namespace vigil::collector
