#include "agent/collectors/filesystem.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

#include "tests/support/exposition_parser.h"
#include "tests/support/wait.h"

namespace vigil::agent {
namespace {

StatFilesystem FixedUsage() {
  return [](const std::string& path) -> Result<FilesystemUsage> {
    if (path.find("broken") != std::string::npos) return MakeError(ErrorCode::kIoError, "EIO");
    return FilesystemUsage{1000, 400, 300, 50, 20};
  };
}

TEST(ParseMounts, DecodesSpacesAndTabsInMountPoints) {
  auto mounts =
      ParseMounts("/dev/sda1 /mnt/my\\040disk ext4 rw 0 0\n/dev/sdb /srv/a\\011b xfs ro 0 0\n");
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
  NameFilter all_mount_points("", ""), all_types("", "");
  auto scrape = testing::RenderAndParse(
      FilesystemFamilies(mounts, all_mount_points, all_types, "/", FixedUsage(), FixedUsage()));
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
  NameFilter mount_points("", "^/(proc|run/credentials/.+)($|/)");
  NameFilter types("", "^(proc)$");
  auto scrape = testing::RenderAndParse(
      FilesystemFamilies(mounts, mount_points, types, "/", FixedUsage(), FixedUsage()));
  EXPECT_EQ(scrape.Find("node_filesystem_size_bytes").size(), 1u);
}

TEST(FilesystemFamilies, StatsMountsUnderTheRootAndNetworkOnesWithABound) {
  std::vector<std::string> local, remote;
  auto mounts = *ParseMounts("/dev/sda1 /srv ext4 rw 0 0\nnas:/x /mnt/nas nfs4 rw 0 0\n");
  NameFilter all_mount_points("", ""), all_types("", "");
  const auto recording = [](std::vector<std::string>& seen) {
    return [&seen](const std::string& path) -> Result<FilesystemUsage> {
      seen.push_back(path);
      return FilesystemUsage{};
    };
  };
  FilesystemFamilies(mounts, all_mount_points, all_types, "/host", recording(local),
                     recording(remote));
  // A network filesystem goes to the bounded statfs, a local one does not need to.
  EXPECT_EQ(local, std::vector<std::string>{"/host/srv"});
  EXPECT_EQ(remote, std::vector<std::string>{"/host/mnt/nas"});
}

}  // namespace
}  // namespace vigil::agent

namespace vigil::agent {
namespace {

TEST(BoundedStat, AStuckMountReportsAnErrorWithoutBlockingTheOthers) {
  std::mutex mutex;
  std::condition_variable released_signal;
  bool released = false;
  StatFilesystem stat = MakeBoundedStat(
      [&](const std::string& path) -> Result<FilesystemUsage> {
        if (path == "/stuck") {
          std::unique_lock lock(mutex);
          released_signal.wait(lock, [&] { return released; });
        }
        return FilesystemUsage{1, 1, 1, 1, 1};
      },
      std::chrono::milliseconds(50));
  Result<FilesystemUsage> first = stat("/stuck");
  ASSERT_FALSE(first.ok());
  EXPECT_NE(first.error().message.find("timed out"), std::string::npos);
  EXPECT_TRUE(stat("/fine").ok());  // served by a fresh worker
  EXPECT_NE(stat("/stuck").error().message.find("still stuck"), std::string::npos);
  {
    std::lock_guard lock(mutex);
    released = true;
  }
  released_signal.notify_all();
  EXPECT_TRUE(testing::WaitFor([&] { return stat("/stuck").ok(); }));
}

}  // namespace
}  // namespace vigil::agent
