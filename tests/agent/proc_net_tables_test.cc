// The network-table collectors on awkward input; parity with node_exporter on whole fixture trees
// is in tests/integration/node_exporter_parity_test.cc.

#include "agent/collectors/proc_net_tables.h"

#include <gtest/gtest.h>

#include <map>

#include "agent/collectors/kernel_files.h"
#include "tests/agent/fake_files.h"
#include "tests/support/exposition_parser.h"

namespace vigil::agent {
namespace {

TEST(Arp, CountsEntriesPerDeviceAndRefusesAShortLine) {
  auto families = ParseArp(
      "IP address HW type Flags HW address Mask Device\n"
      "10.0.0.1 0x1 0x2 aa:bb:cc:dd:ee:ff * eth0\n10.0.0.2 0x1 0x2 aa:bb:cc:dd:ee:00 * eth0\n"
      "10.1.0.1 0x1 0x0 00:00:00:00:00:00 * br-lan.10\n");
  ASSERT_TRUE(families.ok());
  auto scrape = testing::RenderAndParse(*families);
  EXPECT_EQ(scrape.Value("node_arp_entries", {{"device", "eth0"}}), 2);
  EXPECT_EQ(scrape.Value("node_arp_entries", {{"device", "br-lan.10"}}), 1);
  EXPECT_FALSE(ParseArp("10.0.0.1 0x1 0x2 eth0\n").ok());
}

TEST(Softnet, ReadsHexPerCpuLineAndNeedsNineColumns) {
  auto families =
      ParseSoftnet("0000000a 00000001 00000002 0 0 0 0 0 0 0 0\nffffffff 0 10 0 0 0 0 0 0\n");
  ASSERT_TRUE(families.ok());
  auto scrape = testing::RenderAndParse(*families);
  EXPECT_EQ(scrape.Value("node_softnet_processed_total", {{"cpu", "0"}}), 10);
  EXPECT_EQ(scrape.Value("node_softnet_dropped_total", {{"cpu", "0"}}), 1);
  EXPECT_EQ(scrape.Value("node_softnet_processed_total", {{"cpu", "1"}}), 4294967295.0);
  EXPECT_EQ(scrape.Value("node_softnet_times_squeezed_total", {{"cpu", "1"}}), 16);
  EXPECT_FALSE(ParseSoftnet("0000000a 00000001 00000002 0 0\n").ok());
  EXPECT_FALSE(ParseSoftnet("1ffffffff 0 0 0 0 0 0 0 0\n").ok());  // wider than 32 bits
}

TEST(UdpQueues, SumsQueuesOfEveryFamilyPresentAndIsSilentWithoutAny) {
  const std::string header = "sl local rem st tx_queue:rx_queue tr tm uid timeout inode\n";
  auto families = UdpQueuesGather()(
      FakeFiles({{"proc/net/udp",
                  header + "0: 0100007F:0035 00000000:0000 07 00000010:00000100 00:0 0 0 0 1\n"
                           "1: 0100007F:0036 00000000:0000 07 00000001:00000001 00:0 0 0 0 2\n"}}));
  ASSERT_TRUE(families.ok());
  auto scrape = testing::RenderAndParse(*families);
  EXPECT_EQ(scrape.Value("node_udp_queues", {{"ip", "v4"}, {"queue", "tx"}}), 17);
  EXPECT_EQ(scrape.Value("node_udp_queues", {{"ip", "v4"}, {"queue", "rx"}}), 257);
  EXPECT_FALSE(scrape.Value("node_udp_queues", {{"ip", "v6"}, {"queue", "rx"}}));  // no udp6 file
  auto none = UdpQueuesGather()(FakeFiles({}));
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(testing::RenderAndParse(*none).samples.empty());
  EXPECT_FALSE(UdpQueuesGather()(FakeFiles({{"proc/net/udp", header + "0: short line\n"}})).ok());
}

TEST(Conntrack, ReportsTheTableSizeWithoutStatisticsAndNothingWithoutTheModule) {
  auto sizes =
      ConntrackGather()(FakeFiles({{"proc/sys/net/netfilter/nf_conntrack_count", "12\n"},
                                   {"proc/sys/net/netfilter/nf_conntrack_max", "65536\n"}}));
  ASSERT_TRUE(sizes.ok());
  auto scrape = testing::RenderAndParse(*sizes);
  EXPECT_EQ(scrape.Value("node_nf_conntrack_entries"), 12);
  EXPECT_EQ(scrape.Value("node_nf_conntrack_entries_limit"), 65536);
  EXPECT_FALSE(scrape.Value("node_nf_conntrack_stat_found"));
  auto absent = ConntrackGather()(FakeFiles({}));
  ASSERT_TRUE(absent.ok());
  EXPECT_TRUE(absent->empty());
  // A statistics table of another shape (older kernels) is an error, as upstream.
  EXPECT_FALSE(
      ConntrackGather()(FakeFiles({{"proc/sys/net/netfilter/nf_conntrack_count", "1"},
                                   {"proc/sys/net/netfilter/nf_conntrack_max", "2"},
                                   {"proc/net/stat/nf_conntrack", "entries found\n1 2\n"}}))
          .ok());
}

TEST(Schedstat, ReadsCpuLinesInSecondsAndSkipsTheRest) {
  auto scrape = testing::RenderAndParse(
      ParseSchedstat("version 15\ntimestamp 1\ncpu0 0 0 0 0 0 0 2500000000 1000000000 42\n"
                     "domain0 00000003 1 2 3\ncpu1 0 0 0 0 0 0 1 2\ncpu2  0 0 0 0 0 0 1 2 3\n"));
  EXPECT_EQ(scrape.Value("node_schedstat_running_seconds_total", {{"cpu", "0"}}), 2.5);
  EXPECT_EQ(scrape.Value("node_schedstat_waiting_seconds_total", {{"cpu", "0"}}), 1);
  EXPECT_EQ(scrape.Value("node_schedstat_timeslices_total", {{"cpu", "0"}}), 42);
  EXPECT_FALSE(scrape.Value("node_schedstat_timeslices_total", {{"cpu", "1"}}));  // too few numbers
  EXPECT_FALSE(scrape.Value("node_schedstat_timeslices_total", {{"cpu", "2"}}));  // two spaces
}

}  // namespace
}  // namespace vigil::agent
