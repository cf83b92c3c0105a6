#include "collector/api/auth.h"

#include <openssl/crypto.h>

#include <fstream>
#include <sstream>

#include "collector/store/token.h"
#include "collector/store/token_store.h"
#include "common/enum_names.h"

namespace vigil::collector {

namespace {

constexpr EnumNames<Role, 3> kRoleNames{
    {{Role::kViewer, "viewer"}, {Role::kOperator, "operator"}, {Role::kAdmin, "admin"}}};

}  // namespace

std::string_view RoleName(Role role) { return NameIn(kRoleNames, role); }

Authenticator::Authenticator(TokenStore& store) : store_(store) {}

void Authenticator::SetAdminTokenHash(std::optional<std::string> hash) {
  std::lock_guard lock(mutex_);
  admin_hash_ = std::move(hash);
}

Result<Principal> Authenticator::Authenticate(const HttpRequest& request) const {
  auto header = request.headers.find("authorization");
  if (header == request.headers.end()) {
    return MakeError(ErrorCode::kUnauthenticated, "missing Authorization: Bearer TOKEN header");
  }
  std::string_view value = header->second;
  constexpr std::string_view kScheme = "bearer ";
  if (value.size() <= kScheme.size() ||
      !std::equal(kScheme.begin(), kScheme.end(), value.begin(), [](char a, char b) {
        return a == std::tolower(static_cast<unsigned char>(b));
      })) {
    return MakeError(ErrorCode::kUnauthenticated,
                     "the Authorization header must be \"Bearer TOKEN\"");
  }
  std::string_view token = value.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  const std::string hash = HashToken(token);
  {
    std::lock_guard lock(mutex_);
    if (admin_hash_ && admin_hash_->size() == hash.size() &&
        CRYPTO_memcmp(admin_hash_->data(), hash.data(), hash.size()) == 0) {
      return Principal{"admin", Role::kAdmin, "admin-file"};
    }
  }
  auto found = store_.FindToken(hash);
  if (!found) return MakeError(ErrorCode::kUnavailable, "the token store cannot be read");
  if (!found->has_value() || (*found)->kind != TokenKind::kApi || (*found)->revoked_ms) {
    return MakeError(ErrorCode::kUnauthenticated,
                     "the token is unknown, revoked or not an API token");
  }
  const TokenRecord& record = **found;
  // A role this build does not know grants the least.
  const Role role = ValueIn(kRoleNames, record.role).value_or(Role::kViewer);
  return Principal{record.name, role, record.id};
}

Result<std::optional<std::string>> ReadAdminTokenHash(const std::string& file) {
  if (file.empty()) return std::optional<std::string>();
  std::ifstream in(file);
  if (!in)
    return MakeError(ErrorCode::kInvalidArgument, "cannot read api.admin_token_file " + file);
  std::ostringstream text;
  text << in.rdbuf();
  std::string token = text.str();
  const auto first = token.find_first_not_of(" \t\r\n");
  const auto last = token.find_last_not_of(" \t\r\n");
  token = first == std::string::npos ? "" : token.substr(first, last - first + 1);
  if (token.size() < 32) {
    return MakeError(
        ErrorCode::kInvalidArgument,
        "api.admin_token_file " + file + " must hold a token of at least 32 characters");
  }
  return std::optional<std::string>(HashToken(token));
}

}  // namespace vigil::collector
