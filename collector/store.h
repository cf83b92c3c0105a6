#pragma once
// The collector's durable state behind one interface, so that engines (SQLite now, PostgreSQL
// later) are interchangeable. Implementations are thread-safe; every call that returns success has
// committed durably (it survives kill -9).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace vigil::collector {

struct TokenRecord {
  std::string id;
  std::string customer;
  std::int64_t created_ms = 0;
  std::optional<std::int64_t> revoked_ms;
};

struct AgentRecord {
  std::string customer;
  std::string agent_id;
  std::string hostname;
  std::string version;
  std::uint64_t last_sequence = 0;    // highest batch sequence applied
  std::uint64_t batches_applied = 0;  // batches applied, ever
  std::int64_t last_seen_ms = 0;
};

enum class BatchOutcome { kApplied, kDuplicate };

class Store {
 public:
  virtual ~Store() = default;

  // Tokens are looked up by the hash of their text; the text itself is never stored.
  virtual Status AddToken(const TokenRecord& token, const std::string& token_hash) = 0;
  virtual Result<std::optional<TokenRecord>> FindToken(const std::string& token_hash) = 0;
  virtual Result<std::vector<TokenRecord>> ListTokens() = 0;
  // Error "not_found" for an unknown id; revoking twice keeps the first time.
  virtual Status RevokeToken(const std::string& id, std::int64_t at_ms) = 0;

  // Creates or updates the agent (hostname, version, last seen) and returns its progress.
  virtual Result<AgentRecord> RecordHello(const std::string& customer, const std::string& agent_id,
                                          const std::string& hostname, const std::string& version,
                                          std::int64_t at_ms) = 0;
  // Marks batch `sequence` of the agent applied: kApplied (and counted) when it is beyond the last
  // applied sequence, kDuplicate otherwise. The agent must have said Hello before.
  virtual Result<BatchOutcome> RecordBatch(const std::string& customer,
                                           const std::string& agent_id, std::uint64_t sequence,
                                           std::int64_t at_ms) = 0;
  virtual Result<std::vector<AgentRecord>> ListAgents() = 0;
};

// Opens or creates the SQLite store (WAL, synchronous=FULL), migrating its schema.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path);

}  // namespace vigil::collector
