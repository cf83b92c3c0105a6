// /proc/mdstat beyond the parity fixture's arrays: what a degraded mirror reports, and the
// malformed files that make the collection fail rather than report wrong figures.

#include "agent/collectors/mdadm.h"

#include <gtest/gtest.h>

#include "tests/support/exposition_parser.h"

namespace vigil::agent {
namespace {

TEST(Mdstat, ADegradedMirrorShowsItsFailedDiskAndTheMissingMember) {
  auto arrays = ParseMdstat(
      "Personalities : [raid1]\nmd2 : active raid1 sdb1[1](F) sda1[0] sdc1[2](S)\n"
      "      1048512 blocks [2/1] [U_]\n\nunused devices: <none>\n");
  ASSERT_TRUE(arrays.ok()) << arrays.error().message;
  auto scrape = testing::RenderAndParse(MdFamilies(*arrays));
  EXPECT_EQ(scrape.Value("node_md_disks_required", {{"device", "md2"}}), 2);
  EXPECT_EQ(scrape.Value("node_md_disks", {{"device", "md2"}, {"state", "active"}}), 1);
  EXPECT_EQ(scrape.Value("node_md_disks", {{"device", "md2"}, {"state", "failed"}}), 1);
  EXPECT_EQ(scrape.Value("node_md_disks", {{"device", "md2"}, {"state", "spare"}}), 1);
  EXPECT_EQ(scrape.Value("node_md_state", {{"device", "md2"}, {"state", "active"}}), 1);
  EXPECT_EQ(scrape.Value("node_md_blocks_synced", {{"device", "md2"}}), 1048512);
}

TEST(Mdstat, RefusesWhatItCannotReadWhole) {
  EXPECT_FALSE(
      ParseMdstat("md0 : active raid1 sda1[0] sdb1[1]\n      1024 blocks [2/2] [UU]\n").ok());
  EXPECT_FALSE(ParseMdstat("md0 : active\n      1024 blocks\n\n\n").ok());  // no [n/m] [UU]
  EXPECT_FALSE(ParseMdstat("md0 : active raid1 a[0] b[1]\n      1024 blocks [2/2] [UU]\n"
                           "      [>....]  recovery = 1.0% (10/1024) finish=soon speed=1K/sec\n\n")
                   .ok());
  EXPECT_FALSE(ParseMdstat("md0 active\n\n\n\n").ok());  // fewer than three fields
  auto none = ParseMdstat("Personalities : [raid1]\nunused devices: <none>\n");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace vigil::agent
