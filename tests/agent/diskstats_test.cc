#include "agent/collectors/diskstats.h"

#include <gtest/gtest.h>

#include "tests/support/exposition_parser.h"

namespace vigil::agent {
namespace {

TEST(Diskstats, ConvertsSectorsToBytesAndTicksToSeconds) {
  auto disks = ParseDiskstats("   8  0 sda 10 2 100 40 5 1 60 30 3 70 80 1 0 8 9 4 5\n");
  ASSERT_TRUE(disks.ok());
  auto scrape = testing::RenderAndParse(DiskstatsFamilies(*disks, {}));
  const std::map<std::string, std::string> sda = {{"device", "sda"}};
  EXPECT_EQ(scrape.Value("node_disk_reads_completed_total", sda), 10);
  EXPECT_EQ(scrape.Value("node_disk_read_bytes_total", sda), 100 * 512);
  EXPECT_EQ(scrape.Value("node_disk_read_time_seconds_total", sda), 0.04);
  EXPECT_EQ(scrape.Value("node_disk_io_now", sda), 3);
  EXPECT_EQ(scrape.types.at("node_disk_io_now"), "gauge");
  EXPECT_EQ(scrape.Value("node_disk_discarded_sectors_total", sda), 8);  // not converted
  EXPECT_EQ(scrape.Value("node_disk_flush_requests_total", sda), 4);
}

TEST(Diskstats, OlderKernelsWithFewerColumnsExportFewerFamilies) {
  auto disks = ParseDiskstats("   8  0 sda 10 2 100 40 5 1 60 30 3 70 80\n");
  auto scrape = testing::RenderAndParse(DiskstatsFamilies(*disks, {}));
  EXPECT_TRUE(scrape.Value("node_disk_io_time_weighted_seconds_total", {{"device", "sda"}}));
  EXPECT_TRUE(scrape.Find("node_disk_discards_completed_total").empty());
}

TEST(Diskstats, DescribesDevicesFromUdev) {
  auto disks = ParseDiskstats(" 253 0 dm-0 1 0 1 1 1 0 1 1 0 1 1\n");
  auto udev = ParseUdevProperties(
      "S:ignored\nE:ID_MODEL=Disk_1\nE:ID_SERIAL_SHORT=XYZ\nE:ID_FS_TYPE=ext4\n"
      "E:DM_NAME=vg-root\nE:ID_ATA=1\nE:ID_ATA_ROTATION_RATE_RPM=7200\n");
  auto scrape = testing::RenderAndParse(DiskstatsFamilies(*disks, {{"b253:0", udev}}));
  EXPECT_EQ(
      scrape.Find("node_disk_info", {{"device", "dm-0"}, {"model", "Disk_1"}, {"serial", "XYZ"}})
          .size(),
      1u);
  EXPECT_EQ(scrape.Find("node_disk_filesystem_info", {{"type", "ext4"}}).size(), 1u);
  EXPECT_EQ(scrape.Find("node_disk_device_mapper_info", {{"name", "vg-root"}}).size(), 1u);
  EXPECT_EQ(scrape.Value("node_disk_ata_rotation_rate_rpm", {{"device", "dm-0"}}), 7200);
}

TEST(Diskstats, RejectsTruncatedLines) {
  EXPECT_FALSE(ParseDiskstats("8 0 sda 1 2 3\n").ok());
  EXPECT_FALSE(ParseDiskstats("8 0 sda 1 2 x 4 5 6 7 8 9 10 11\n").ok());
}

}  // namespace
}  // namespace vigil::agent
