#include "collector/store/token.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <stdexcept>

#include "collector/store/token_store.h"
#include "common/enum_names.h"
#include "common/identity.h"

namespace vigil::collector {
namespace {

template <std::size_t N>
std::array<unsigned char, N> RandomBytes() {
  std::array<unsigned char, N> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    // Without a working CSPRNG no safe token can be made; this is not recoverable.
    throw std::runtime_error("the OS random generator failed");
  }
  return bytes;
}

std::string Hex(const unsigned char* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out += kDigits[data[i] >> 4];
    out += kDigits[data[i] & 0x0f];
  }
  return out;
}

}  // namespace

std::string GenerateToken() {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const auto bytes = RandomBytes<32>();
  std::string out = "vgl_";
  // base64url without padding: 32 bytes -> 43 characters.
  std::uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char byte : bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(buffer >> bits) & 0x3f];
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (6 - bits)) & 0x3f];
  return out;
}

std::string GenerateTokenId() {
  const auto bytes = RandomBytes<6>();
  return Hex(bytes.data(), bytes.size());
}

std::string HashToken(std::string_view token) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(token.data(), token.size(), digest, &size, EVP_sha256(), nullptr);
  return Hex(digest, size);
}

namespace {

constexpr EnumNames<TokenKind, 2> kTokenKindNames{
    {{TokenKind::kEnrollment, "enrollment"}, {TokenKind::kApi, "api"}}};

}  // namespace

std::string_view TokenKindName(TokenKind kind) { return NameIn(kTokenKindNames, kind); }

std::optional<TokenKind> ParseTokenKind(std::string_view name) {
  return ValueIn(kTokenKindNames, name);
}

bool IsValidCustomerName(const std::string& name) { return IsSimpleName(name, 64); }

bool IsValidRole(std::string_view role) {
  return role == "viewer" || role == "operator" || role == "admin";
}

Result<CreatedToken> CreateToken(TokenStore& store, const TokenRequest& request,
                                 std::int64_t now_ms, TokenRecord& record) {
  record = TokenRecord{};
  const std::optional<TokenKind> kind = ParseTokenKind(request.kind);
  if (!kind) return MakeError(ErrorCode::kBadRequest, "kind: expected \"enrollment\" or \"api\"");
  record.kind = *kind;
  if (*kind == TokenKind::kEnrollment) {
    if (!IsValidCustomerName(request.customer)) {
      return MakeError(ErrorCode::kBadRequest,
                       "customer: an enrollment token needs a customer of 1 to 64 "
                       "letters, digits, '.', '_' or '-'");
    }
    if (!request.role.empty()) {
      return MakeError(ErrorCode::kBadRequest, "role: only API tokens have a role");
    }
    record.customer = request.customer;
  } else {
    if (!IsValidRole(request.role)) {
      return MakeError(ErrorCode::kBadRequest,
                       "role: an API token needs a role of viewer, operator or admin");
    }
    if (!request.customer.empty()) {
      return MakeError(ErrorCode::kBadRequest,
                       "customer: only enrollment tokens belong to a customer");
    }
    record.role = request.role;
  }
  if (*kind == TokenKind::kApi ? !IsSimpleName(request.name, 64)
                               : (!request.name.empty() && !IsSimpleName(request.name, 64))) {
    return MakeError(ErrorCode::kBadRequest,
                     "name: 1 to 64 letters, digits, '.', '_' or '-' (required for API tokens)");
  }
  record.name = request.name;
  record.id = GenerateTokenId();
  record.created_ms = now_ms;
  CreatedToken created{record.id, GenerateToken()};
  if (Status added = store.AddToken(record, HashToken(created.secret)); !added) {
    return added.error();
  }
  return created;
}

}  // namespace vigil::collector
