#include "agent/collectors/systemd.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "tests/support/exposition_parser.h"

namespace vigil::agent {
namespace {

TEST(SystemdFamilies, ReportsEveryStateOfEveryKeptUnit) {
  NameFilter filter(".+", ".+\\.(mount|slice)");
  auto scrape = testing::RenderAndParse(SystemdFamilies(
      {{"nginx.service", "active", "forking", std::nullopt},
       {"backup.service", "failed", "oneshot", std::nullopt},
       {"home.mount", "active", "", std::nullopt},
       {"ssh.socket", "activating", "", std::nullopt}},
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

TEST(SystemdFamilies, SocketUnitsReportTheirConnectionsAndRefusalsWhereSystemdCountsThem) {
  NameFilter filter(".+", "");
  SystemdUnit ssh{"ssh.socket", "active", "", SystemdUnit::SocketCounts{12, 2, 3}};
  SystemdUnit old{"cups.socket", "active", "", SystemdUnit::SocketCounts{4, 0, std::nullopt}};  // systemd < 239
  SystemdUnit gone{"gone.socket", "inactive", "", std::nullopt};  // its counts could not be read
  auto scrape = testing::RenderAndParse(SystemdFamilies({ssh, old, gone}, filter, "running"));
  EXPECT_EQ(scrape.Value("node_systemd_socket_accepted_connections_total", {{"name", "ssh.socket"}}), 12);
  EXPECT_EQ(scrape.Value("node_systemd_socket_current_connections", {{"name", "ssh.socket"}}), 2);
  EXPECT_EQ(scrape.Value("node_systemd_socket_refused_connections_total", {{"name", "ssh.socket"}}), 3);
  EXPECT_EQ(scrape.types.at("node_systemd_socket_refused_connections_total"), "gauge");  // as upstream
  EXPECT_EQ(scrape.Value("node_systemd_socket_accepted_connections_total", {{"name", "cups.socket"}}), 4);
  EXPECT_TRUE(scrape.Find("node_systemd_socket_refused_connections_total", {{"name", "cups.socket"}}).empty());
  EXPECT_TRUE(scrape.Find("node_systemd_socket_current_connections", {{"name", "gone.socket"}}).empty());
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
