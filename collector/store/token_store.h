#pragma once
// Enrollment and API tokens, looked up by the hash of their text; the text itself is never stored.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace vigil::collector {

// An enrollment token lets agents of one customer join; an API token opens the REST API.
enum class TokenKind : std::uint8_t { kEnrollment, kApi };
// "enrollment", "api": the API's and the store's word for each.
std::string_view TokenKindName(TokenKind kind);
std::optional<TokenKind> ParseTokenKind(std::string_view name);

struct TokenRecord {
  std::string id;
  std::string customer;  // enrollment tokens: the customer its agents belong to
  std::int64_t created_ms = 0;
  std::optional<std::int64_t> revoked_ms;
  TokenKind kind = TokenKind::kEnrollment;
  std::string role;  // api tokens: "viewer", "operator" or "admin"
  std::string name;  // api tokens: who or what uses it
};

class TokenStore {
 public:
  virtual ~TokenStore() = default;
  virtual Status AddToken(const TokenRecord& token, const std::string& token_hash) = 0;
  virtual Result<std::optional<TokenRecord>> FindToken(const std::string& token_hash) = 0;
  // Oldest first.
  virtual Result<std::vector<TokenRecord>> ListTokens() = 0;
  // Error "not_found" for an unknown id; revoking twice keeps the first time.
  virtual Status RevokeToken(const std::string& id, std::int64_t at_ms) = 0;
};

}  // namespace vigil::collector
