#include "agent/collectors/filesystem.h"

#include <gtest/gtest.h>

#include "tests/support/exposition_parser.h"

namespace vigil::agent {
namespace {

const std::regex kNoMountPoints("^$^");
const std::regex kNoTypes("^$^");

StatFilesystem FixedUsage() {
  return [](const std::string& path) -> Result<FilesystemUsage> {
    if (path.find("broken") != std::string::npos) return MakeError("statfs", "EIO");
    return FilesystemUsage{1000, 400, 300, 50, 20};
  };
}

TEST(ParseMounts, DecodesSpacesAndTabsInMountPoints) {
  auto mounts = ParseMounts("/dev/sda1 /mnt/my\\040disk ext4 rw 0 0\n/dev/sdb /srv/a\\011b xfs ro 0 0\n");
  ASSERT_TRUE(mounts.ok());
  ASSERT_EQ(mounts->size(), 2u);
  EXPECT_EQ((*mounts)[0].mount_point, "/mnt/my disk");
  EXPECT_EQ((*mounts)[1].mount_point, "/srv/a\tb");
  EXPECT_EQ((*mounts)[1].options, "ro");
}

TEST(ParseMounts, RejectsTruncatedLines) {
  EXPECT_FALSE(ParseMounts("/dev/sda1 /mnt ext4\n").ok());
}

TEST(FilesystemFamilies, ReportsUsageReadonlyAndErrorsPerMount) {
  auto mounts = *ParseMounts(
      "/dev/sda1 / ext4 rw,relatime 0 0\n/dev/sdb /data xfs ro,noatime 0 0\n"
      "nfs:/x /broken nfs4 rw 0 0\n");
  auto scrape = testing::RenderAndParse(FilesystemFamilies(mounts, kNoMountPoints, kNoTypes, "/", FixedUsage()));
  const std::map<std::string, std::string> root = {
      {"device", "/dev/sda1"}, {"fstype", "ext4"}, {"mountpoint", "/"}};
  EXPECT_EQ(scrape.Value("node_filesystem_size_bytes", root), 1000);
  EXPECT_EQ(scrape.Value("node_filesystem_avail_bytes", root), 300);
  EXPECT_EQ(scrape.Value("node_filesystem_files_free", root), 20);
  EXPECT_EQ(scrape.Value("node_filesystem_readonly", root), 0);
  EXPECT_EQ(scrape.Value("node_filesystem_readonly", {{"mountpoint", "/data"}}), 1);
  // A mount that cannot be stat'ed reports only the error, not misleading zeros.
  EXPECT_EQ(scrape.Value("node_filesystem_device_error", {{"mountpoint", "/broken"}}), 1);
  EXPECT_FALSE(scrape.Value("node_filesystem_size_bytes", {{"mountpoint", "/broken"}}));
}

TEST(FilesystemFamilies, SkipsExcludedMountsAndDuplicates) {
  auto mounts = *ParseMounts(
      "proc /proc proc rw 0 0\n/dev/sda1 / ext4 rw 0 0\n/dev/sda1 / ext4 rw 0 0\n"
      "tmpfs /run/credentials/x tmpfs ro 0 0\n");
  const std::regex mount_points("^/(proc|run/credentials/.+)($|/)");
  const std::regex types("^(proc)$");
  auto scrape = testing::RenderAndParse(FilesystemFamilies(mounts, mount_points, types, "/", FixedUsage()));
  EXPECT_EQ(scrape.Find("node_filesystem_size_bytes").size(), 1u);
}

TEST(FilesystemFamilies, StatsMountsUnderTheRoot) {
  std::vector<std::string> seen;
  auto mounts = *ParseMounts("/dev/sda1 /srv ext4 rw 0 0\n");
  FilesystemFamilies(mounts, kNoMountPoints, kNoTypes, "/host",
                     [&seen](const std::string& path) -> Result<FilesystemUsage> {
                       seen.push_back(path);
                       return FilesystemUsage{};
                     });
  EXPECT_EQ(seen, std::vector<std::string>{"/host/srv"});
}

}  // namespace
}  // namespace vigil::agent
