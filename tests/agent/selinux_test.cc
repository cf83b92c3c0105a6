#include "agent/collectors/selinux.h"

#include <gtest/gtest.h>

namespace vigil::agent {
namespace {

TEST(Selinux, ReadsTheConfiguredModeAsNodeExporterNumbersIt) {
  EXPECT_EQ(SelinuxConfigMode("# comment\nSELINUX=enforcing\nSELINUXTYPE=targeted\n"), 1);
  EXPECT_EQ(SelinuxConfigMode("SELINUX=permissive\n"), 0);
  EXPECT_EQ(SelinuxConfigMode("SELINUX=disabled\n"), -1);
  EXPECT_EQ(SelinuxConfigMode("SELINUXTYPE=targeted\n"), -1);
}

TEST(Selinux, ThisHostReportsWhetherItIsEnabled) {
  auto families = MakeSelinuxCollector()->Collect();
  ASSERT_TRUE(families.ok());
  ASSERT_FALSE(families->empty());
  EXPECT_EQ((*families)[0].name(), "node_selinux_enabled");
}

}  // namespace
}  // namespace vigil::agent
