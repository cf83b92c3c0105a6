#include "agent/collectors/meminfo.h"

#include <gtest/gtest.h>

#include "tests/support/exposition_parser.h"

namespace vigil::agent {
namespace {

TEST(ParseMeminfo, ExportsKilobyteFieldsAsBytesAndCountsAsTheyAre) {
  auto families = ParseMeminfo(
      "MemTotal:       16318748 kB\nActive(anon):     123456 kB\nHugePages_Total:       3\n");
  ASSERT_TRUE(families.ok());
  auto exposition = testing::RenderAndParse(*families);
  EXPECT_EQ(exposition.Value("node_memory_MemTotal_bytes"), 16318748.0 * 1024);
  EXPECT_EQ(exposition.Value("node_memory_Active_anon_bytes"), 123456.0 * 1024);
  EXPECT_EQ(exposition.Value("node_memory_HugePages_Total"), 3);
  EXPECT_EQ(exposition.types.at("node_memory_MemTotal_bytes"), "gauge");
}

TEST(ParseMeminfo, MalformedLineIsNamedByNumber) {
  auto families = ParseMeminfo("MemTotal: 1 kB\nnonsense\n");
  ASSERT_FALSE(families.ok());
  EXPECT_NE(families.error().message.find("line 2"), std::string::npos);
  EXPECT_FALSE(ParseMeminfo("MemTotal: 12 MB\n").ok());
}

}  // namespace
}  // namespace vigil::agent
