// The zfs collector beyond the parity fixture: hosts without the module, and kstats it refuses.

#include "agent/collectors/zfs.h"

#include <gtest/gtest.h>

#include "tests/support/exposition_parser.h"
#include "tests/support/temp_dir.h"

namespace vigil::agent {
namespace {

TEST(Zfs, AHostWithoutTheModuleReportsNothing) {
  testing::TempDir root;
  root.Write("proc/spl/.keep", "");
  auto families = MakeZfsCollector(root.path().string())->Collect();
  ASSERT_TRUE(families.ok()) << families.error().message;
  EXPECT_TRUE(testing::RenderAndParse(*families).samples.empty());
}

TEST(Zfs, ArcValuesAreUntypedAndAKstatWithoutItsHeaderFails) {
  testing::TempDir root;
  root.Write("proc/spl/kstat/zfs/arcstats",
             "name type data\nhits 4 12\nmemory_available_bytes 3 -5\n");
  auto families = MakeZfsCollector(root.path().string())->Collect();
  ASSERT_TRUE(families.ok()) << families.error().message;
  auto scrape = testing::RenderAndParse(*families);
  EXPECT_EQ(scrape.Value("node_zfs_arc_hits"), 12);
  EXPECT_EQ(scrape.types.at("node_zfs_arc_hits"), "untyped");
  EXPECT_TRUE(scrape.Find("node_zfs_arc_memory_available_bytes").empty())
      << "only 64-bit unsigned kstats";

  root.Write("proc/spl/kstat/zfs/zil", "zil_commit_count 4 1\n");
  auto broken = MakeZfsCollector(root.path().string())->Collect();
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().message.find("kstat/zfs/zil"), std::string::npos)
      << broken.error().message;
}

}  // namespace
}  // namespace vigil::agent
