#include <gtest/gtest.h>

#include "agent/collectors/netclass.h"
#include "tests/support/exposition_parser.h"
#include "tests/support/temp_dir.h"

namespace vigil::agent {
namespace {

TEST(Bonding, CountsSlavesWhoseMiiIsUpUnderEitherLinkName) {
  testing::TempDir root;
  root.Write("sys/class/net/bonding_masters", "bond0\n");
  root.Write("sys/class/net/bond0/bonding/slaves", "eth0 eth1\neth2\n");
  root.Write("sys/class/net/bond0/lower_eth0/bonding_slave/mii_status", "up\n");
  root.Write("sys/class/net/bond0/slave_eth1/bonding_slave/mii_status", "up\n");
  root.Write("sys/class/net/bond0/lower_eth2/bonding_slave/mii_status", "down\n");
  auto families = MakeBondingCollector(root.path().string())->Collect();
  ASSERT_TRUE(families.ok()) << families.error().message;
  auto scrape = testing::RenderAndParse(*families);
  EXPECT_EQ(scrape.Value("node_bonding_slaves", {{"master", "bond0"}}), 3);
  EXPECT_EQ(scrape.Value("node_bonding_active", {{"master", "bond0"}}), 2);
}

TEST(Bonding, AMissingPieceMeansNothingToReport) {
  testing::TempDir root;
  root.Write("sys/class/net/bonding_masters", "bond0\n");  // but no bond0/bonding/slaves
  auto families = MakeBondingCollector(root.path().string())->Collect();
  ASSERT_TRUE(families.ok());
  EXPECT_TRUE(families->empty());
}

}  // namespace
}  // namespace vigil::agent
