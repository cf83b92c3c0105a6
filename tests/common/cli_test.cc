#include "common/cli.h"

#include <gtest/gtest.h>

namespace vigil {
namespace {

const std::vector<OptionSpec> kSpecs = {{"config", true}, {"once", false}, {"customer", true}};

Result<CommandLine> Parse(std::vector<const char*> words) {
  words.insert(words.begin(), "prog");
  return ParseCommandLine(static_cast<int>(words.size()), words.data(), kSpecs);
}

TEST(ParseCommandLine, ReadsValuesInBothForms) {
  auto line = Parse({"--config", "a.yaml", "--customer=acme"});
  ASSERT_TRUE(line.ok());
  EXPECT_EQ(line->Value("config"), "a.yaml");
  EXPECT_EQ(line->Value("customer"), "acme");
}

TEST(ParseCommandLine, KeepsPositionalWordsAroundOptions) {
  auto line = Parse({"token", "create", "--customer", "acme", "--once"});
  ASSERT_TRUE(line.ok());
  EXPECT_EQ(line->positional, (std::vector<std::string>{"token", "create"}));
  EXPECT_TRUE(line->Has("once"));
}

TEST(ParseCommandLine, RejectsUnknownOptionsByName) {
  auto line = Parse({"--confg", "x"});
  ASSERT_FALSE(line.ok());
  EXPECT_EQ(line.error().message, "unknown option --confg");
}

TEST(ParseCommandLine, RejectsAMissingValueAndAValueOnAFlag) {
  EXPECT_FALSE(Parse({"--config"}).ok());
  EXPECT_FALSE(Parse({"--once=yes"}).ok());
}

}  // namespace
}  // namespace vigil
