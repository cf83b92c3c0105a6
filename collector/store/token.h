#pragma once
// Enrollment and API tokens: generated from the OS's CSPRNG, shown once, stored only as a hash.
// A token is 256 random bits, so an unsalted SHA-256 is enough to make the stored hash useless to
// someone who reads the database (there is nothing to brute-force).

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace vigil::collector {

class TokenStore;
struct TokenRecord;

// "vgl_" followed by 43 base64url characters.
std::string GenerateToken();
// 12 lowercase hex characters, for listing and revoking without revealing the token.
std::string GenerateTokenId();
// Lowercase hex SHA-256 of the token.
std::string HashToken(std::string_view token);

// What a new token is for: an enrollment token names the customer its agents belong to; an API
// token has a role (viewer, operator or admin) and names who uses it.
struct TokenRequest {
  std::string kind;  // "enrollment" or "api"
  std::string customer;
  std::string role;
  std::string name;
};

struct CreatedToken {
  std::string id;
  std::string secret;  // shown once, never stored
};

// Checks the request (error "bad_request" naming the field), then stores the new token's hash.
// `record` receives what was stored.
Result<CreatedToken> CreateToken(TokenStore& store, const TokenRequest& request,
                                 std::int64_t now_ms, TokenRecord& record);

// 1 to 64 characters of letters, digits, '.', '_' or '-'.
bool IsValidCustomerName(const std::string& name);
bool IsValidRole(std::string_view role);

}  // namespace vigil::collector
