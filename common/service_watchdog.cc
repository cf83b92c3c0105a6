#include "common/service_watchdog.h"

#include <unistd.h>

#include <cstdlib>
#include <string>

#include "common/log.h"
#include "common/service_notify.h"

namespace vigil {

std::optional<std::chrono::microseconds> ServiceWatchdog::RequestedInterval() {
  const char* usec = std::getenv("WATCHDOG_USEC");
  if (usec == nullptr) return std::nullopt;
  if (const char* pid = std::getenv("WATCHDOG_PID");
      pid != nullptr && std::strtoll(pid, nullptr, 10) != getpid()) {
    return std::nullopt;  // meant for another process of the unit
  }
  const long long value = std::strtoll(usec, nullptr, 10);
  if (value <= 0) return std::nullopt;
  return std::chrono::microseconds(value);
}

ServiceWatchdog::ServiceWatchdog(boost::asio::io_context& io, std::chrono::microseconds interval,
                                 const Clock& clock)
    : interval_(interval), heartbeats_(clock, interval), timer_(io) {
  main_loop_ = heartbeats_.Add("main");
}

std::function<void()> ServiceWatchdog::AddLoop(std::string name) {
  const std::size_t loop = heartbeats_.Add(std::move(name));
  return [this, loop] { heartbeats_.Beat(loop); };
}

void ServiceWatchdog::Start() {
  LogInfo("systemd watchdog: feeding every " + std::to_string(interval_.count() / 2000) +
          " ms while healthy");
  Arm();
}

void ServiceWatchdog::Stop() { timer_.cancel(); }

void ServiceWatchdog::Arm() {
  timer_.expires_after(interval_ / 2);
  timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    heartbeats_.Beat(main_loop_);
    const std::vector<std::string> silent = heartbeats_.Silent();
    if (silent.empty()) {
      NotifyWatchdog();
      reported_silence_ = false;
    } else if (!reported_silence_) {
      std::string names;
      for (const std::string& name : silent) names += (names.empty() ? "" : ", ") + name;
      LogError("systemd watchdog: not fed, the " + names +
               " loop has been silent for longer than " + std::to_string(interval_.count() / 1000) +
               " ms; systemd will restart the service");
      reported_silence_ = true;
    }
    Arm();
  });
}

}  // namespace vigil
