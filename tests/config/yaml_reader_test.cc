#include "config/detail/yaml_reader.h"

#include <gtest/gtest.h>

namespace vigil::config {
namespace {

TEST(EstimateYamlDepth, CountsBlockAndFlowNesting) {
  EXPECT_EQ(EstimateYamlDepth("a: 1\nb: 2\n"), 1);
  EXPECT_EQ(EstimateYamlDepth("a:\n  b:\n    c: 1\n"), 3);
  EXPECT_EQ(EstimateYamlDepth("a: {b: [1, 2]}\n"), 3);
  EXPECT_EQ(EstimateYamlDepth("- - - x\n"), 3);
}

TEST(EstimateYamlDepth, IgnoresBracketsInQuotesAndComments) {
  EXPECT_EQ(EstimateYamlDepth("a: \"[[[[\"\nb: 1 # {{{{\n"), 1);
}

TEST(SuggestKey, FindsTheClosestWithinASmallDistance) {
  const std::vector<std::string> keys = {"collector", "spool", "health"};
  EXPECT_EQ(SuggestKey("colector", keys), "collector");
  EXPECT_EQ(SuggestKey("helth", keys), "health");
  EXPECT_EQ(SuggestKey("xyz", keys), "");
}

}  // namespace
}  // namespace vigil::config
