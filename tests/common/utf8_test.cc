#include "common/utf8.h"

#include <gtest/gtest.h>

namespace vigil {
namespace {

TEST(Utf8, InvalidSequencesBecomeOneReplacementPerRun) {
  EXPECT_EQ(ToValidUtf8("caf\xc3\xa9"), "caf\xc3\xa9");
  EXPECT_EQ(ToValidUtf8("a\xff\xfe b"), "a\xEF\xBF\xBD b");
  EXPECT_EQ(ToValidUtf8("\xed\xa0\x80"), "\xEF\xBF\xBD");  // a surrogate is not valid UTF-8
  EXPECT_EQ(ToValidUtf8("\xf0\x9f\x98\x80!"), "\xf0\x9f\x98\x80!");
  EXPECT_EQ(ToValidUtf8("\xe2\x82"), "\xEF\xBF\xBD");  // cut short
}

TEST(Utf8, ValidityAsPrometheusJudgesLabelValues) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // an overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // a surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // beyond U+10FFFF
  EXPECT_FALSE(IsValidUtf8("ok\xe2\x82"));        // cut short at the end
}

}  // namespace
}  // namespace vigil
