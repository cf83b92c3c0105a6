// The ipvs collector beyond the parity fixture: hosts without IPVS, and tables it cannot read.

#include "agent/collectors/ipvs.h"

#include <gtest/gtest.h>

#include "tests/support/exposition_parser.h"
#include "tests/support/temp_dir.h"

namespace vigil::agent {
namespace {

constexpr const char* kStats =
    "   Total Incoming Outgoing         Incoming         Outgoing\n"
    "   Conns  Packets  Packets            Bytes            Bytes\n"
    "      1F        2        3               FF                0\n"
    "\n";

TEST(Ipvs, AHostWithoutIpvsReportsNothing) {
  testing::TempDir root;
  auto families = MakeIpvsCollector(root.path().string())->Collect();
  ASSERT_TRUE(families.ok()) << families.error().message;
  EXPECT_TRUE(testing::RenderAndParse(*families).samples.empty());
}

TEST(Ipvs, TotalsAreHexadecimalAndBackendsOfOneServiceAreSummed) {
  testing::TempDir root;
  root.Write("proc/net/ip_vs_stats", kStats);
  root.Write("proc/net/ip_vs",
             "IP Virtual Server version 1.2.1 (size=4096)\n"
             "TCP  0A000001:01BB rr\n"
             "  -> 0A000002:01BB      Masq    2      3          4\n"
             "  -> 0A000002:01BB      Masq    1      1          0\n");
  auto families = MakeIpvsCollector(root.path().string())->Collect();
  ASSERT_TRUE(families.ok()) << families.error().message;
  auto scrape = testing::RenderAndParse(*families);
  EXPECT_EQ(scrape.Value("node_ipvs_connections_total"), 31);
  EXPECT_EQ(scrape.Value("node_ipvs_incoming_bytes_total"), 255);
  const std::map<std::string, std::string> backend = {{"local_address", "10.0.0.1"},
                                                      {"local_port", "443"},
                                                      {"remote_address", "10.0.0.2"},
                                                      {"proto", "TCP"}};
  EXPECT_EQ(scrape.Value("node_ipvs_backend_connections_active", backend), 4);
  EXPECT_EQ(scrape.Value("node_ipvs_backend_weight", backend), 3);
}

TEST(Ipvs, ATableThatCannotBeReadFailsTheCollection) {
  testing::TempDir root;
  root.Write("proc/net/ip_vs_stats", kStats);
  EXPECT_FALSE(MakeIpvsCollector(root.path().string())->Collect().ok())
      << "ip_vs_stats without ip_vs";
  root.Write("proc/net/ip_vs", "TCP  0A000001 rr\n");
  auto broken = MakeIpvsCollector(root.path().string())->Collect();
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.error().message.find("0A000001"), std::string::npos) << broken.error().message;
}

}  // namespace
}  // namespace vigil::agent
