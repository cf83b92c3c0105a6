#include "agent/collectors/systemd.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "tests/support/exposition_parser.h"

namespace vigil::agent {
namespace {

TEST(SystemdFamilies, ReportsEveryStateOfEveryKeptUnit) {
  NameFilter filter(".+", ".+\\.(mount|slice)");
  auto scrape = testing::RenderAndParse(SystemdFamilies(
      {{"nginx.service", "active", "forking"},
       {"backup.service", "failed", "oneshot"},
       {"home.mount", "active", ""},
       {"ssh.socket", "activating", ""}},
      filter, "degraded"));
  EXPECT_EQ(scrape.Value("node_systemd_unit_state",
                         {{"name", "nginx.service"}, {"state", "active"}, {"type", "forking"}}),
            1);
  EXPECT_EQ(scrape.Value("node_systemd_unit_state",
                         {{"name", "nginx.service"}, {"state", "failed"}}),
            0);
  EXPECT_EQ(scrape.Find("node_systemd_unit_state", {{"name", "backup.service"}}).size(), 5u);
  EXPECT_TRUE(scrape.Find("node_systemd_unit_state", {{"name", "home.mount"}}).empty());
  EXPECT_EQ(scrape.Value("node_systemd_units", {{"state", "failed"}}), 1);
  EXPECT_EQ(scrape.Value("node_systemd_units", {{"state", "active"}}), 1);
  EXPECT_EQ(scrape.Value("node_systemd_system_running"), 0);
}

TEST(SystemdCollector, WithoutASystemBusFailsWithAReason) {
  if (access("/run/dbus/system_bus_socket", F_OK) == 0) {
    GTEST_SKIP() << "this machine has a system bus";
  }
  auto families = MakeSystemdCollector({})->Collect();
  ASSERT_FALSE(families.ok());
  EXPECT_NE(families.error().message.find("system bus"), std::string::npos)
      << families.error().message;
}

}  // namespace
}  // namespace vigil::agent
