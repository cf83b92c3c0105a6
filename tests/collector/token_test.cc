#include "collector/store/token.h"

#include <gtest/gtest.h>

#include <set>

namespace vigil::collector {
namespace {

TEST(Token, IsUrlSafeAndCarries256Bits) {
  const std::string token = GenerateToken();
  ASSERT_EQ(token.rfind("vgl_", 0), 0u);
  EXPECT_EQ(token.size(), 4u + 43u);
  EXPECT_EQ(token.find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 4),
            std::string::npos);
}

TEST(Token, NeverRepeats) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(seen.insert(GenerateToken()).second);
}

TEST(Token, HashIsSha256Hex) {
  // SHA-256("abc"), from FIPS 180-2.
  EXPECT_EQ(HashToken("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace vigil::collector
