#include "agent/collectors/netstat.h"

#include <gtest/gtest.h>

#include "tests/support/exposition_parser.h"

namespace vigil::agent {
namespace {

TEST(Netstat, PairsNamesWithValuesAndKeepsMatchingFields) {
  auto pairs = ParseNetstatPairs("Tcp: ActiveOpens InSegs RtoMin\nTcp: 3 400 200\n");
  auto six = ParseSnmp6("Ip6InOctets  1000\nUdpLite6InErrors 2\nnonsense\n");
  ASSERT_TRUE(pairs.ok() && six.ok());
  std::vector<ProtocolStat> all = *pairs;
  all.insert(all.end(), six->begin(), six->end());
  NameFilter fields("^(Tcp_(ActiveOpens|InSegs)|Ip6_InOctets|.*_InErrors)$", "");
  auto scrape = testing::RenderAndParse(NetstatFamilies(all, fields));
  EXPECT_EQ(scrape.Value("node_netstat_Tcp_InSegs"), 400);
  EXPECT_EQ(scrape.Value("node_netstat_Ip6_InOctets"), 1000);
  EXPECT_EQ(scrape.Value("node_netstat_UdpLite6_InErrors"), 2);
  EXPECT_FALSE(scrape.Value("node_netstat_Tcp_RtoMin"));
  EXPECT_EQ(scrape.types.at("node_netstat_Tcp_InSegs"), "untyped");
}

TEST(Netstat, RejectsNamesAndValuesThatDoNotPair) {
  EXPECT_FALSE(ParseNetstatPairs("Tcp: A B\nTcp: 1\n").ok());
  EXPECT_FALSE(ParseNetstatPairs("Tcp: A B\nUdp: 1 2\n").ok());
}

}  // namespace
}  // namespace vigil::agent
