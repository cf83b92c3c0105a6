#include "agent/collectors/systemd.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "tests/support/exposition_parser.h"

namespace vigil::agent {
namespace {

SystemdUnit Unit(const char* name, const char* load, const char* active, const char* type = "") {
  return {name, load, active, type, std::nullopt, std::nullopt};
}

TEST(SystemdFamilies, ReportsEveryStateOfEveryKeptLoadedUnitAndCountsAllUnits) {
  NameFilter filter(".+", ".+\\.(mount|slice)");
  auto scrape = testing::RenderAndParse(SystemdFamilies(
      {"252.39-1~deb12u2", "degraded"},
      {Unit("nginx.service", "loaded", "active", "forking"),
       Unit("backup.service", "loaded", "failed", "oneshot"),
       Unit("home.mount", "loaded", "active", "ext4"), Unit("ssh.socket", "loaded", "activating"),
       Unit("gone.service", "not-found", "inactive")},
      filter));
  EXPECT_EQ(scrape.Value("node_systemd_unit_state",
                         {{"name", "nginx.service"}, {"state", "active"}, {"type", "forking"}}),
            1);
  EXPECT_EQ(
      scrape.Value("node_systemd_unit_state", {{"name", "nginx.service"}, {"state", "failed"}}), 0);
  EXPECT_EQ(scrape.Find("node_systemd_unit_state", {{"name", "backup.service"}}).size(), 5u);
  EXPECT_TRUE(scrape.Find("node_systemd_unit_state", {{"name", "home.mount"}}).empty());
  EXPECT_TRUE(scrape.Find("node_systemd_unit_state", {{"name", "gone.service"}}).empty());
  // As node_exporter: the summary is over every unit systemd lists, the filtered ones too.
  EXPECT_EQ(scrape.Value("node_systemd_units", {{"state", "failed"}}), 1);
  EXPECT_EQ(scrape.Value("node_systemd_units", {{"state", "active"}}), 2);
  EXPECT_EQ(scrape.Value("node_systemd_units", {{"state", "inactive"}}), 1);
  EXPECT_EQ(scrape.Value("node_systemd_system_running"), 0);
  EXPECT_EQ(scrape.Value("node_systemd_version", {{"version", "252.39-1~deb12u2"}}), 252.39);
}

TEST(SystemdFamilies, BeforeSystemd212ThereIsNoSystemStateAndAnUnreadableVersionIsZero) {
  NameFilter filter(".+", "");
  auto old = testing::RenderAndParse(SystemdFamilies({"208", std::nullopt}, {}, filter));
  EXPECT_EQ(old.Value("node_systemd_version", {{"version", "208"}}), 208);
  EXPECT_TRUE(old.Find("node_systemd_system_running").empty());
  auto unreadable = testing::RenderAndParse(SystemdFamilies({"", std::nullopt}, {}, filter));
  EXPECT_EQ(unreadable.Value("node_systemd_version", {{"version", ""}}), 0);
}

TEST(SystemdVersionNumber, TakesTheFirstRunOfThreeDigitsWithItsDecimals) {
  EXPECT_EQ(SystemdVersionNumber("252.39-1~deb12u2"), 252.39);
  EXPECT_EQ(SystemdVersionNumber("219"), 219);
  EXPECT_EQ(SystemdVersionNumber("v12 then 245.4-4ubuntu3"), 245.4);
  EXPECT_EQ(SystemdVersionNumber("255."), 255);
  EXPECT_EQ(SystemdVersionNumber("unknown"), 0);
}

TEST(SystemdFamilies, SocketUnitsReportTheirConnectionsAndRefusalsWhereSystemdCountsThem) {
  NameFilter filter(".+", "");
  SystemdUnit ssh = Unit("ssh.socket", "loaded", "active");
  ssh.socket = SystemdUnit::SocketCounts{12, 2, 3};
  SystemdUnit old = Unit("cups.socket", "loaded", "active");
  old.socket = SystemdUnit::SocketCounts{4, 0, std::nullopt};    // systemd < 239
  SystemdUnit gone = Unit("gone.socket", "loaded", "inactive");  // its counts could not be read
  auto scrape =
      testing::RenderAndParse(SystemdFamilies({"252", "running"}, {ssh, old, gone}, filter));
  EXPECT_EQ(
      scrape.Value("node_systemd_socket_accepted_connections_total", {{"name", "ssh.socket"}}), 12);
  EXPECT_EQ(scrape.Value("node_systemd_socket_current_connections", {{"name", "ssh.socket"}}), 2);
  EXPECT_EQ(scrape.Value("node_systemd_socket_refused_connections_total", {{"name", "ssh.socket"}}),
            3);
  EXPECT_EQ(scrape.types.at("node_systemd_socket_refused_connections_total"),
            "gauge");  // as upstream
  EXPECT_EQ(
      scrape.Value("node_systemd_socket_accepted_connections_total", {{"name", "cups.socket"}}), 4);
  EXPECT_TRUE(
      scrape.Find("node_systemd_socket_refused_connections_total", {{"name", "cups.socket"}})
          .empty());
  EXPECT_TRUE(
      scrape.Find("node_systemd_socket_current_connections", {{"name", "gone.socket"}}).empty());
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
