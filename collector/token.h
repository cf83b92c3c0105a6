#pragma once
// Enrollment and API tokens: generated from the OS's CSPRNG, shown once, stored only as a hash.
// A token is 256 random bits, so an unsalted SHA-256 is enough to make the stored hash useless to
// someone who reads the database (there is nothing to brute-force).

#include <string>
#include <string_view>

namespace vigil::collector {

// "vgl_" followed by 43 base64url characters.
std::string GenerateToken();
// 12 lowercase hex characters, for listing and revoking without revealing the token.
std::string GenerateTokenId();
// Lowercase hex SHA-256 of the token.
std::string HashToken(std::string_view token);

}  // namespace vigil::collector
