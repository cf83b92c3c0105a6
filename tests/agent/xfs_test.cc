// The xfs collector beyond the parity fixture: hosts without XFS, and statistics procfs refuses.

#include "agent/collectors/xfs.h"

#include <gtest/gtest.h>

#include "tests/support/exposition_parser.h"
#include "tests/support/temp_dir.h"

namespace vigil::agent {
namespace {

TEST(Xfs, AHostWithTheModuleButNoXfsMountedReportsNothing) {
  testing::TempDir root;
  root.Write("sys/fs/xfs/stats/stats", "rw 1 2\n");  // the global file, not a device
  auto families = MakeXfsCollector(root.path().string())->Collect();
  ASSERT_TRUE(families.ok()) << families.error().message;
  EXPECT_TRUE(testing::RenderAndParse(*families).samples.empty());
}

TEST(Xfs, ReadsCallsInTheKernelsOrderAndRefusesWhatProcfsRefuses) {
  testing::TempDir root;
  root.Write("sys/fs/xfs/nvme0n1/stats/stats", "rw 70 30\nxpc 8589934592 0 0\nnewline 1\n");
  auto families = MakeXfsCollector(root.path().string())->Collect();
  ASSERT_TRUE(families.ok()) << families.error().message;
  auto scrape = testing::RenderAndParse(*families);
  EXPECT_EQ(scrape.Value("node_xfs_write_calls_total", {{"device", "nvme0n1"}}), 70);
  EXPECT_EQ(scrape.Value("node_xfs_read_calls_total", {{"device", "nvme0n1"}}), 30);
  EXPECT_EQ(scrape.Value("node_xfs_vnode_get_total", {{"device", "nvme0n1"}}), 0);  // line absent

  root.Write("sys/fs/xfs/nvme0n1/stats/stats", "rw 70 30 10\n");
  auto miscounted = MakeXfsCollector(root.path().string())->Collect();
  ASSERT_FALSE(miscounted.ok());
  EXPECT_NE(miscounted.error().message.find("nvme0n1/stats/stats: \"rw\" has 3 values"),
            std::string::npos)
      << miscounted.error().message;
  root.Write("sys/fs/xfs/nvme0n1/stats/stats",
             "rmapbt 4294967296\n");  // 32 bits, even on lines not exported
  EXPECT_FALSE(MakeXfsCollector(root.path().string())->Collect().ok());
}

}  // namespace
}  // namespace vigil::agent
