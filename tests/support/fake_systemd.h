#pragma once
// A D-Bus daemon of the test's own with a fake systemd on it (org.freedesktop.systemd1: the
// manager's ListUnits and the Properties.Get answers node_exporter's and Vigil's systemd collectors
// ask for), so that both can be run against the same units where the machine has no systemd.
// Point a client at it with DBUS_SYSTEM_BUS_ADDRESS=address().

#include <memory>
#include <string>

#include "tests/support/temp_dir.h"

namespace vigil::testing {

class FakeSystemd {
 public:
  // Starts dbus-daemon on a socket in `dir` and serves the units below from a thread.
  explicit FakeSystemd(const TempDir& dir);
  ~FakeSystemd();
  FakeSystemd(const FakeSystemd&) = delete;
  FakeSystemd& operator=(const FakeSystemd&) = delete;

  // Empty when the bus and the fake are up; else what failed.
  const std::string& problem() const;
  const std::string& address() const;

  // What the fake answers, for tests to compare with (systemd 252 on Debian 12):
  //   nginx.service    loaded     active    Type=notify
  //   backup.service   loaded     failed    Type=oneshot
  //   cron.service     loaded     inactive  Type=simple
  //   ghost.service    not-found  inactive  (listed, as systemd lists units something refers to)
  //   ssh.socket       loaded     active    NAccepted=7 NConnections=1 NRefused=2
  //   apt-daily.timer  loaded     active    LastTriggerUSec=1795800000123456
  //   tmp.mount        loaded     active    Type=tmpfs
  //   multi-user.target loaded    active
  //   dev-vda.device   loaded     activating
  static constexpr const char* kVersion = "252.39-1~deb12u2";
  static constexpr const char* kSystemState = "running";

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace vigil::testing
