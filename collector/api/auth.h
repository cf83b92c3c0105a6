#pragma once
// Who is calling the API: a bearer token, looked up by its hash among the API tokens in the store
// (kind "api", not revoked) or matched against the first admin token from api.admin_token_file.
// Thread-safe.

#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "collector/http/http_server.h"
#include "common/result.h"

namespace vigil::collector {

class TokenStore;

enum class Role { kViewer = 0, kOperator = 1, kAdmin = 2 };
std::string_view RoleName(Role role);

struct Principal {
  std::string name;  // the token's name; the admin file's token is "admin"
  Role role = Role::kViewer;
  std::string token_id;  // for rate limiting; "admin-file" for the file's token
};

class Authenticator {
 public:
  explicit Authenticator(TokenStore& store);

  // Errors "unauthenticated" saying why: no Authorization header, not a Bearer token, or a token
  // that is unknown, revoked or not an API token. Never echoes the token.
  Result<Principal> Authenticate(const HttpRequest& request) const;

  // The hash of the admin file's token; nullopt when there is none.
  void SetAdminTokenHash(std::optional<std::string> hash);

 private:
  TokenStore& store_;
  mutable std::mutex mutex_;
  std::optional<std::string> admin_hash_;  // guarded by mutex_
};

// Reads the first admin token from `file` (surrounding whitespace ignored) and returns its hash.
// An empty path gives nullopt; an unreadable, empty or short (under 32 characters) token is an
// error naming the file.
Result<std::optional<std::string>> ReadAdminTokenHash(const std::string& file);

}  // namespace vigil::collector
