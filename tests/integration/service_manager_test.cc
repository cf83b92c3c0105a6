// Both daemons speak systemd's notify protocol as Type=notify units with WatchdogSec= need: READY=1
// once serving, WATCHDOG=1 every half interval while healthy, RELOADING=1 then READY=1 around a
// SIGHUP reload, STOPPING=1 on SIGTERM. The test plays systemd: it owns the NOTIFY_SOCKET.

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>

#include "tests/integration/harness.h"

namespace vigil::testing {
namespace {

// A datagram socket bound in a temp folder, read with a deadline.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : path_(path) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    if (bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
      throw std::runtime_error("cannot bind " + path + ": " + std::strerror(errno));
    }
  }
  ~NotifySocket() { close(fd_); }
  const std::string& path() const { return path_; }

  // The next message, or "" when none came within `timeout`.
  std::string Next(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    pollfd ready{fd_, POLLIN, 0};
    if (poll(&ready, 1, static_cast<int>(timeout.count())) != 1) return "";
    char buffer[4096];
    const ssize_t size = recv(fd_, buffer, sizeof buffer, 0);
    return size > 0 ? std::string(buffer, static_cast<std::size_t>(size)) : "";
  }
  // Skips messages until one starts with `prefix`; that message, or "" at the deadline.
  std::string NextStartingWith(const std::string& prefix,
                               std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      const std::string message = Next(std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now()));
      if (message.rfind(prefix, 0) == 0) return message;
    }
    return "";
  }

 private:
  std::string path_;
  int fd_ = -1;
};

// The environment systemd gives a Type=notify unit with WatchdogSec=, for the processes started
// while the object lives.
class AsSystemdWould {
 public:
  AsSystemdWould(const NotifySocket& socket, std::chrono::milliseconds watchdog) {
    setenv("NOTIFY_SOCKET", socket.path().c_str(), 1);
    setenv("WATCHDOG_USEC", std::to_string(watchdog.count() * 1000).c_str(), 1);
  }
  ~AsSystemdWould() {
    unsetenv("NOTIFY_SOCKET");
    unsetenv("WATCHDOG_USEC");
  }
};

// What a daemon tells systemd over its life, the watchdog at 400 ms.
void ExpectTheNotifyLifecycle(NotifySocket& notify, Process& daemon) {
  EXPECT_THAT(notify.NextStartingWith("READY=1"), ::testing::HasSubstr("STATUS=running"))
      << daemon.Stderr();
  // Fed every 200 ms: several within a second and a half.
  int fed = 0;
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(1500);
  while (std::chrono::steady_clock::now() < until) {
    if (notify.Next(std::chrono::milliseconds(500)) == "WATCHDOG=1") ++fed;
  }
  EXPECT_GE(fed, 3) << daemon.Stderr();
  daemon.Signal(SIGHUP);
  EXPECT_EQ(notify.NextStartingWith("RELOADING=1"), "RELOADING=1") << daemon.Stderr();
  EXPECT_THAT(notify.NextStartingWith("READY=1"), ::testing::HasSubstr("STATUS=running"))
      << daemon.Stderr();
  EXPECT_EQ(notify.NextStartingWith("WATCHDOG=1"), "WATCHDOG=1") << "still fed after the reload";
  daemon.Signal(SIGTERM);
  EXPECT_EQ(notify.NextStartingWith("STOPPING=1"), "STOPPING=1") << daemon.Stderr();
  EXPECT_EQ(daemon.Wait(std::chrono::seconds(15)), 0) << daemon.Stderr();
}

TEST(ServiceManager, TheCollectorIsReadyFedReloadedAndStoppedAsATypeNotifyUnit) {
  Harness harness;
  NotifySocket notify(harness.dir().File("collector.notify"));
  {
    AsSystemdWould systemd(notify, std::chrono::milliseconds(400));
    harness.StartCollector();
  }
  EXPECT_THAT(harness.collector().Stderr(),
              ::testing::HasSubstr("systemd watchdog: feeding every 200 ms"));
  ExpectTheNotifyLifecycle(notify, harness.collector());
}

TEST(ServiceManager, TheAgentIsReadyFedReloadedAndStoppedAsATypeNotifyUnit) {
  Harness harness;
  harness.StartCollector();
  const std::string token = harness.CreateToken("acme");
  NotifySocket notify(harness.dir().File("agent.notify"));
  {
    AsSystemdWould systemd(notify, std::chrono::milliseconds(400));
    harness.StartAgent("notified", token);
  }
  ExpectTheNotifyLifecycle(notify, harness.agent());
}

TEST(ServiceManager, WithoutAWatchdogRequestNothingIsFed) {
  Harness harness;
  NotifySocket notify(harness.dir().File("collector.notify"));
  setenv("NOTIFY_SOCKET", notify.path().c_str(), 1);
  harness.StartCollector();
  unsetenv("NOTIFY_SOCKET");
  EXPECT_THAT(notify.NextStartingWith("READY=1"), ::testing::HasSubstr("STATUS=running"));
  EXPECT_EQ(notify.Next(std::chrono::milliseconds(700)), "") << "no WATCHDOG=1 unless systemd asks";
}

}  // namespace
}  // namespace vigil::testing
