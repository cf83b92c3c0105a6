#include "agent/collectors/loadavg.h"

#include <gtest/gtest.h>

#include "tests/support/exposition_parser.h"

namespace vigil::agent {
namespace {

TEST(ParseLoadavg, ExportsTheThreeAverages) {
  auto families = ParseLoadavg("0.20 0.18 0.12 1/80 11206\n");
  ASSERT_TRUE(families.ok());
  auto exposition = testing::RenderAndParse(*families);
  EXPECT_EQ(exposition.Value("node_load1"), 0.20);
  EXPECT_EQ(exposition.Value("node_load5"), 0.18);
  EXPECT_EQ(exposition.Value("node_load15"), 0.12);
}

TEST(ParseLoadavg, RejectsTruncatedContent) {
  EXPECT_FALSE(ParseLoadavg("0.20 0.18").ok());
  EXPECT_FALSE(ParseLoadavg("").ok());
}

}  // namespace
}  // namespace vigil::agent
