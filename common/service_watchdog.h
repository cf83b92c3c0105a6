#pragma once
// systemd's watchdog (WatchdogSec= in the unit): while systemd asks for it, WATCHDOG=1 is sent
// every half interval from a timer on the daemon's io_context — itself proof that the loop runs
// handlers — but only while every other loop registered with AddLoop has beaten within the
// interval. A daemon whose loop hangs stops feeding the watchdog, and systemd restarts it.

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/clock.h"
#include "common/loop_heartbeats.h"

namespace vigil {

class ServiceWatchdog {
 public:
  // The interval systemd asked this process for (WATCHDOG_USEC, for this pid when WATCHDOG_PID is
  // set); nullopt when it asked for none.
  static std::optional<std::chrono::microseconds> RequestedInterval();

  ServiceWatchdog(boost::asio::io_context& io, std::chrono::microseconds interval,
                  const Clock& clock = RealClock());

  // Another loop that must beat at least once per interval; returns its beat.
  std::function<void()> AddLoop(std::string name);
  void Start();
  void Stop();

 private:
  void Arm();

  std::chrono::microseconds interval_;
  LoopHeartbeats heartbeats_;
  boost::asio::steady_timer timer_;
  std::size_t main_loop_ = 0;
  bool reported_silence_ = false;
};

}  // namespace vigil
