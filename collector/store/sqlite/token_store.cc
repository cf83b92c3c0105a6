// The SQLite engine of TokenStore.

#include "collector/store/sqlite/engines.h"

namespace vigil::collector::sqlite_store {
namespace {

constexpr std::string_view kInsert =
    "INSERT INTO tokens (id, customer, hash, created_ms, kind, role, name)"
    " VALUES (:id, :customer, :hash, :created_ms, :kind, :role, :name)";
constexpr std::string_view kByHash =
    "SELECT id, customer, created_ms, revoked_ms, kind, role, name FROM tokens WHERE hash = :hash";
constexpr std::string_view kAll =
    "SELECT id, customer, created_ms, revoked_ms, kind, role, name FROM tokens"
    " ORDER BY created_ms, id";
constexpr std::string_view kRevoke =
    "UPDATE tokens SET revoked_ms = coalesce(revoked_ms, :at_ms) WHERE id = :id";

TokenRecord ReadToken(const sqlite::Statement& row) {
  TokenRecord token;
  token.id = row.Text(0);
  token.customer = row.Text(1);
  token.created_ms = row.Int(2);
  token.revoked_ms = OptionalInt(row, 3);
  // A kind this build does not know opens nothing: enrollment without a customer enrolls no one.
  if (auto kind = ParseTokenKind(row.Text(4))) {
    token.kind = *kind;
  } else {
    token.kind = TokenKind::kEnrollment;
    token.customer.clear();
  }
  token.role = row.Text(5);
  token.name = row.Text(6);
  return token;
}

class SqliteTokenStore final : public EngineBound<TokenStore> {
 public:
  using EngineBound::EngineBound;

  Status AddToken(const TokenRecord& token, const std::string& token_hash) override {
    auto lock = engine_.Lock();
    return Run(engine_, kInsert, [&](sqlite::Statement& insert) {
      insert.Bind(":id", token.id)
          .Bind(":customer", token.customer)
          .Bind(":hash", token_hash)
          .Bind(":created_ms", token.created_ms)
          .Bind(":kind", TokenKindName(token.kind))
          .Bind(":role", token.role)
          .Bind(":name", token.name);
    });
  }

  Result<std::optional<TokenRecord>> FindToken(const std::string& token_hash) override {
    auto lock = engine_.Lock();
    return One<TokenRecord>(
        engine_, kByHash, [&](sqlite::Statement& query) { query.Bind(":hash", token_hash); },
        &ReadToken);
  }

  Result<std::vector<TokenRecord>> ListTokens() override {
    auto lock = engine_.Lock();
    return All<TokenRecord>(engine_, kAll, NoParameters, &ReadToken);
  }

  Status RevokeToken(const std::string& id, std::int64_t at_ms) override {
    auto lock = engine_.Lock();
    auto changed = RunCounting(engine_, kRevoke, [&](sqlite::Statement& update) {
      update.Bind(":id", id).Bind(":at_ms", at_ms);
    });
    if (!changed) return changed.error();
    if (*changed == 0) return MakeError(ErrorCode::kNotFound, "no token with id " + id);
    return OkStatus();
  }
};

}  // namespace

std::unique_ptr<TokenStore> MakeTokenStore(Engine& engine) {
  return std::make_unique<SqliteTokenStore>(engine);
}

}  // namespace vigil::collector::sqlite_store
