// The systemd collector over a real D-Bus daemon that the test starts, with a fake systemd on it
// (tests/support/fake_systemd.h): the collector's libdbus calls (ListUnits, and Properties.Get for
// the manager's version and state, services' and mounts' Type, sockets' counts and timers' last
// trigger) and what it makes of the answers.

#include <gtest/gtest.h>

#include <cstdlib>

#include "agent/collectors/systemd.h"
#include "tests/support/exposition_parser.h"
#include "tests/support/fake_systemd.h"
#include "tests/support/temp_dir.h"

namespace vigil::agent {
namespace {

// One bus for the whole suite: libdbus reads DBUS_SYSTEM_BUS_ADDRESS once per process.
class SystemdOverDbus : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir;
    systemd_ = new testing::FakeSystemd(*dir_);
    setenv("DBUS_SYSTEM_BUS_ADDRESS", systemd_->address().c_str(), 1);
  }
  static void TearDownTestSuite() {
    unsetenv("DBUS_SYSTEM_BUS_ADDRESS");
    delete systemd_;
    delete dir_;
  }
  void SetUp() override { ASSERT_TRUE(systemd_->problem().empty()) << systemd_->problem(); }

  static testing::ParsedExposition Collect(SystemdOptions options = {}) {
    auto families = MakeSystemdCollector(std::move(options))->Collect();
    EXPECT_TRUE(families.ok()) << families.error().message;
    return families.ok() ? testing::RenderAndParse(*families) : testing::ParsedExposition{};
  }

 private:
  static inline testing::TempDir* dir_ = nullptr;
  static inline testing::FakeSystemd* systemd_ = nullptr;
};

TEST_F(SystemdOverDbus, ReadsUnitsTypesSocketsTimersAndTheManagerFromTheBus) {
  const auto scrape = Collect();
  EXPECT_EQ(scrape.Value("node_systemd_version", {{"version", "252.39-1~deb12u2"}}), 252.39);
  EXPECT_EQ(scrape.Value("node_systemd_unit_state",
                         {{"name", "nginx.service"}, {"state", "active"}, {"type", "notify"}}),
            1);
  EXPECT_EQ(scrape.Value("node_systemd_unit_state",
                         {{"name", "backup.service"}, {"state", "failed"}, {"type", "oneshot"}}),
            1);
  EXPECT_EQ(scrape.Value("node_systemd_unit_state",
                         {{"name", "multi-user.target"}, {"state", "active"}, {"type", ""}}),
            1);
  EXPECT_TRUE(scrape.Find("node_systemd_unit_state", {{"name", "tmp.mount"}}).empty())
      << "mounts are excluded";
  EXPECT_TRUE(scrape.Find("node_systemd_unit_state", {{"name", "ghost.service"}}).empty())
      << "not loaded";
  EXPECT_EQ(
      scrape.Value("node_systemd_socket_accepted_connections_total", {{"name", "ssh.socket"}}), 7);
  EXPECT_EQ(scrape.Value("node_systemd_socket_current_connections", {{"name", "ssh.socket"}}), 1);
  EXPECT_EQ(scrape.Value("node_systemd_socket_refused_connections_total", {{"name", "ssh.socket"}}),
            2);
  EXPECT_DOUBLE_EQ(
      *scrape.Value("node_systemd_timer_last_trigger_seconds", {{"name", "apt-daily.timer"}}),
      1795800000.123456);
  // The summary counts every unit systemd listed, the excluded and the unloaded too.
  EXPECT_EQ(scrape.Value("node_systemd_units", {{"state", "active"}}), 5);
  EXPECT_EQ(scrape.Value("node_systemd_units", {{"state", "inactive"}}), 2);
  EXPECT_EQ(scrape.Value("node_systemd_units", {{"state", "activating"}}), 1);
  EXPECT_EQ(scrape.Value("node_systemd_system_running"), 1);
}

TEST_F(SystemdOverDbus, AMountKeptByTheFilterIsLabelledWithItsType) {
  const auto scrape = Collect({".+", ".+\\.(device|slice)"});
  EXPECT_EQ(scrape.Value("node_systemd_unit_state",
                         {{"name", "tmp.mount"}, {"state", "active"}, {"type", "tmpfs"}}),
            1);
}

}  // namespace
}  // namespace vigil::agent
