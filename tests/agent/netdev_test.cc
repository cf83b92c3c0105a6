#include "agent/collectors/netdev.h"

#include <gtest/gtest.h>

#include "tests/support/exposition_parser.h"

namespace vigil::agent {
namespace {

constexpr const char* kNetDev =
    "Inter-|   Receive                                                |  Transmit\n"
    " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop "
    "fifo colls carrier compressed\n"
    "    lo: 100 1 0 0 0 0 0 0 100 1 0 0 0 0 0 0\n"
    "br-1a.10: 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20\n";

TEST(Netdev, NamesEachColumnAsNodeExporterDoes) {
  auto families = ParseNetdev(kNetDev, [](const std::string&) { return true; });
  ASSERT_TRUE(families.ok());
  auto scrape = testing::RenderAndParse(*families);
  const std::map<std::string, std::string> bridge = {{"device", "br-1a.10"}};
  EXPECT_EQ(scrape.Value("node_network_receive_bytes_total", bridge), 5);
  EXPECT_EQ(scrape.Value("node_network_receive_multicast_total", bridge), 12);
  EXPECT_EQ(scrape.Value("node_network_transmit_colls_total", bridge), 18);
  EXPECT_EQ(scrape.Value("node_network_transmit_compressed_total", bridge), 20);
  EXPECT_EQ(scrape.types.at("node_network_transmit_carrier_total"), "counter");
}

// node_exporter's netlink reading adds the kernel's rx_nohandler; Vigil reads the same counter
// from sysfs, for the devices that have it.
TEST(Netdev, AddsEachDevicesNohandlerCounterWhereTheKernelKeepsOne) {
  auto families = ParseNetdev(kNetDev, [](const std::string&) { return true; });
  ASSERT_TRUE(families.ok());
  std::vector<std::string> asked;
  const ReadRelative read = [&](const std::string& relative) -> Result<std::string> {
    asked.push_back(relative);
    if (relative == "sys/class/net/br-1a.10/statistics/rx_nohandler") return std::string("42\n");
    return MakeError(ErrorCode::kNotFound, relative + ": no such file");
  };
  AddNohandler(read, *families);
  auto scrape = testing::RenderAndParse(*families);
  EXPECT_EQ(scrape.Value("node_network_receive_nohandler_total", {{"device", "br-1a.10"}}), 42);
  EXPECT_EQ(scrape.types.at("node_network_receive_nohandler_total"), "counter");
  EXPECT_TRUE(scrape.Find("node_network_receive_nohandler_total", {{"device", "lo"}}).empty())
      << "lo has no rx_nohandler here: left out, not 0";
  EXPECT_EQ(asked.size(), 2u);
}

TEST(Netdev, AppliesTheDeviceFilter) {
  auto families = ParseNetdev(kNetDev, [](const std::string& device) { return device != "lo"; });
  auto scrape = testing::RenderAndParse(*families);
  EXPECT_TRUE(scrape.Find("node_network_receive_bytes_total", {{"device", "lo"}}).empty());
  EXPECT_EQ(scrape.Find("node_network_receive_bytes_total").size(), 1u);
}

TEST(Netdev, RejectsARowWithMissingColumns) {
  const std::string broken = std::string(kNetDev) + "eth0: 1 2 3\n";
  EXPECT_FALSE(ParseNetdev(broken, [](const std::string&) { return true; }).ok());
}

}  // namespace
}  // namespace vigil::agent
