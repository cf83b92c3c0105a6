// The sysfs collectors of optional hardware (power supplies, Fibre Channel, InfiniBand, tapes,
// Btrfs, bcache) beyond what the parity fixture shows: hosts without the hardware say nothing,
// broken values fail the collection with the file named, and Go's base-prefixed numbers parse as
// upstream.

#include <gtest/gtest.h>

#include "agent/collectors/bcache.h"
#include "agent/collectors/btrfs.h"
#include "agent/collectors/fibrechannel.h"
#include "agent/collectors/infiniband.h"
#include "agent/collectors/power_supply.h"
#include "agent/collectors/tapestats.h"
#include "agent/collectors/text.h"
#include "tests/support/exposition_parser.h"
#include "tests/support/temp_dir.h"

namespace vigil::agent {
namespace {

using MakeCollector = std::unique_ptr<Collector> (*)(std::string root);

TEST(HardwareClasses, HostsWithoutTheHardwareReportNothingAndSucceed) {
  testing::TempDir root;
  root.Write("sys/class/.keep", "");
  root.Write("sys/fs/btrfs/features/raid56", "0\n");  // the module is loaded, nothing is mounted
  for (MakeCollector make :
       {&MakePowerSupplyCollector, &MakeFibreChannelCollector, &MakeInfinibandCollector,
        &MakeTapestatsCollector, &MakeBtrfsCollector, &MakeBcacheCollector}) {
    auto families = make(root.path().string())->Collect();
    ASSERT_TRUE(families.ok()) << families.error().message;
    EXPECT_TRUE(testing::RenderAndParse(*families).samples.empty());
  }
}

TEST(HardwareClasses, PowerSupplyScalesMicroUnitsAndTenthsOfDegrees) {
  testing::TempDir root;
  root.Write("sys/class/power_supply/BAT1/type", "Battery\n");
  root.Write("sys/class/power_supply/BAT1/charge_now", "2500000\n");
  root.Write("sys/class/power_supply/BAT1/temp", "-15\n");
  root.Write("sys/class/power_supply/BAT1/cycle_count", "0x10\n");
  auto families = MakePowerSupplyCollector(root.path().string())->Collect();
  ASSERT_TRUE(families.ok()) << families.error().message;
  auto scrape = testing::RenderAndParse(*families);
  EXPECT_EQ(scrape.Value("node_power_supply_charge_ampere", {{"power_supply", "BAT1"}}), 2.5);
  EXPECT_EQ(scrape.Value("node_power_supply_temp_celsius", {{"power_supply", "BAT1"}}), -1.5);
  EXPECT_EQ(scrape.Value("node_power_supply_cyclecount", {{"power_supply", "BAT1"}}), 16);
  EXPECT_EQ(scrape.Value("node_power_supply_info", {{"power_supply", "BAT1"}, {"type", "Battery"}}),
            1);

  root.Write("sys/class/power_supply/BAT1/charge_now", "lots\n");
  auto broken = MakePowerSupplyCollector(root.path().string())->Collect();
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().message.find("BAT1/charge_now"), std::string::npos)
      << broken.error().message;
}

TEST(HardwareClasses, FibreChannelSkipsCountersTheDriverMarksAsMissing) {
  testing::TempDir root;
  const std::string host = "sys/class/fc_host/host7/";
  for (const char* attribute :
       {"speed", "port_state", "port_type", "node_name", "port_id", "port_name", "fabric_name",
        "dev_loss_tmo", "symbolic_name", "supported_classes", "supported_speeds"}) {
    root.Write(host + attribute, "0xab\n");
  }
  root.Write(host + "statistics/rx_frames", "0xffffffffffffffff\n");
  root.Write(host + "statistics/tx_frames", "0x20\n");
  auto families = MakeFibreChannelCollector(root.path().string())->Collect();
  ASSERT_TRUE(families.ok()) << families.error().message;
  auto scrape = testing::RenderAndParse(*families);
  EXPECT_TRUE(scrape.Find("node_fibrechannel_rx_frames_total").empty());
  EXPECT_EQ(scrape.Value("node_fibrechannel_tx_frames_total", {{"fc_host", "host7"}}), 32);
  EXPECT_EQ(scrape.Value("node_fibrechannel_nos_total", {{"fc_host", "host7"}}),
            0);  // not provided: 0

  std::filesystem::remove(root.path() / host / "speed");
  EXPECT_FALSE(MakeFibreChannelCollector(root.path().string())->Collect().ok());
}

TEST(HardwareClasses, InfinibandRefusesAPortStateItCannotRead) {
  testing::TempDir root;
  const std::string port = "sys/class/infiniband/mlx5_0/ports/1/";
  root.Write("sys/class/infiniband/mlx5_0/board_id", "MT_0000000010\n");
  root.Write("sys/class/infiniband/mlx5_0/fw_ver", "16.35.2000\n");
  root.Write(port + "state", "4: ACTIVE\n");
  root.Write(port + "phys_state", "5: LinkUp\n");
  root.Write(port + "rate", "25 Gb/sec (1X EDR)\n");
  root.Write(port + "counters/port_xmit_data", "100\n");
  auto families = MakeInfinibandCollector(root.path().string())->Collect();
  ASSERT_TRUE(families.ok()) << families.error().message;
  auto scrape = testing::RenderAndParse(*families);
  const std::map<std::string, std::string> labels = {{"device", "mlx5_0"}, {"port", "1"}};
  EXPECT_EQ(scrape.Value("node_infiniband_rate_bytes_per_second", labels), 3125000000.0);
  EXPECT_EQ(scrape.Value("node_infiniband_port_data_transmitted_bytes_total", labels),
            400);  // 4-byte words
  EXPECT_EQ(scrape.Value("node_infiniband_info", {{"board_id", "MT_0000000010"},
                                                  {"device", "mlx5_0"},
                                                  {"firmware_version", "16.35.2000"},
                                                  {"hca_type", ""}}),
            1);

  root.Write(port + "state", "ACTIVE\n");
  auto broken = MakeInfinibandCollector(root.path().string())->Collect();
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().message.find("ports/1/state"), std::string::npos)
      << broken.error().message;
}

TEST(HardwareClasses, TapeStatsIgnoreTheDrivesOtherDeviceNodes) {
  testing::TempDir root;
  root.Write("sys/class/scsi_tape/st3/stats/read_ns", "1500000000\n");
  root.Write("sys/class/scsi_tape/nst3/stats/read_ns", "9\n");
  root.Write("sys/class/scsi_tape/st3l/stats/read_ns", "9\n");
  auto families = MakeTapestatsCollector(root.path().string())->Collect();
  ASSERT_TRUE(families.ok()) << families.error().message;
  auto scrape = testing::RenderAndParse(*families);
  EXPECT_EQ(scrape.Value("node_tape_read_time_seconds_total", {{"device", "st3"}}), 1.5);
  EXPECT_EQ(scrape.samples.size(), 10u) << "one series per statistic, for st3 only";
}

TEST(HardwareClasses, BtrfsWithoutItsDeviceListFailsAndUnreadableNumbersReadAsZero) {
  testing::TempDir root;
  const std::string fs = "sys/fs/btrfs/5d1b9a3c-0000-4000-8000-000000000001/";
  root.Write(fs + "features/.keep", "");
  root.Write(fs + "allocation/data/single/used_bytes", "many\n");
  for (const char* type : {"metadata", "system"})
    root.Write(fs + "allocation/" + type + "/.keep", "");
  auto missing = MakeBtrfsCollector(root.path().string())->Collect();
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("devices"), std::string::npos) << missing.error().message;

  root.Write(fs + "devices/sdx/size", "2048\n");
  auto families = MakeBtrfsCollector(root.path().string())->Collect();
  ASSERT_TRUE(families.ok()) << families.error().message;
  auto scrape = testing::RenderAndParse(*families);
  const std::string uuid =
      "5d1b9a3c-0000-4000-8000-000000000001";  // the folder's name: no metadata_uuid
  EXPECT_EQ(scrape.Value("node_btrfs_used_bytes", {{"uuid", uuid}, {"mode", "single"}}), 0);
  EXPECT_EQ(scrape.Value("node_btrfs_device_size_bytes", {{"uuid", uuid}, {"device", "sdx"}}),
            2048 * 512);
}

TEST(HardwareClasses, BcacheSizesReadBackAsUpstreamReadsThem) {
  EXPECT_EQ(DehumanizeBcacheSize("512"), 512u);
  EXPECT_EQ(DehumanizeBcacheSize("4.0k"), 4096u);
  EXPECT_EQ(DehumanizeBcacheSize("1.5k"), 1524u);  // (1 + 5/10.24) KiB, truncated
  EXPECT_EQ(DehumanizeBcacheSize("2G"), 2147483648u);
  EXPECT_EQ(DehumanizeBcacheSize("7B"), 0u);  // a unit upstream does not know multiplies by 0
  EXPECT_FALSE(DehumanizeBcacheSize(""));
  EXPECT_FALSE(DehumanizeBcacheSize("lots"));
}

TEST(HardwareClasses, BcacheBackingDeviceWithoutWritebackDebugFailsTheCollection) {
  testing::TempDir root;
  const std::string set = "sys/fs/bcache/0f3c2b8e-5c53-4b8e-9f43-6a4c5a1d2e10/";
  root.Write(set + "cache_available_percent", "97\n");
  root.Write(set + "bdev0/dirty_data", "1.0M\n");
  auto missing = MakeBcacheCollector(root.path().string())->Collect();
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("bdev0/writeback_rate_debug"), std::string::npos)
      << missing.error().message;

  root.Write(set + "bdev0/writeback_rate_debug", "rate:\t\t512/sec\nchange:\t\t-1.0k/sec\n");
  auto families = MakeBcacheCollector(root.path().string())->Collect();
  ASSERT_TRUE(families.ok()) << families.error().message;
  auto scrape = testing::RenderAndParse(*families);
  EXPECT_EQ(scrape.Value("node_bcache_writeback_change", {{"backing_device", "bdev0"}}), -1024);
  EXPECT_EQ(scrape.Value("node_bcache_dirty_data_bytes", {{"backing_device", "bdev0"}}), 1048576);
  EXPECT_EQ(scrape.Value("node_bcache_cache_available_percent"), 97);
}

TEST(HardwareClasses, NumbersParseWithGosBasePrefixes) {
  EXPECT_EQ(ParseUintAnyBase("0x1f"), 31u);
  EXPECT_EQ(ParseUintAnyBase("0o17"), 15u);
  EXPECT_EQ(ParseUintAnyBase("017"), 15u);
  EXPECT_EQ(ParseUintAnyBase("0b101"), 5u);
  EXPECT_EQ(ParseUintAnyBase("0x_ff"), 255u);
  EXPECT_EQ(ParseUintAnyBase("0"), 0u);
  EXPECT_EQ(ParseUintAnyBase("42"), 42u);
  EXPECT_EQ(ParseUintAnyBase("0xffffffffffffffff"), ~std::uint64_t{0});
  for (const char* bad :
       {"", "0x", "1_000", "0x1__0", "019", "-1", "0x1g", "0x10000000000000000"}) {
    EXPECT_FALSE(ParseUintAnyBase(bad)) << bad;
  }
  EXPECT_EQ(ParseIntAnyBase("-0x10"), -16);
  EXPECT_EQ(ParseIntAnyBase("-9223372036854775808"), INT64_MIN);
  EXPECT_FALSE(ParseIntAnyBase("9223372036854775808"));
}

}  // namespace
}  // namespace vigil::agent
