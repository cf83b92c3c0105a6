#include "common/daemon_signals.h"

#include <csignal>
#include <string>

#include "common/log.h"
#include "common/service_notify.h"

namespace vigil {

DaemonSignals::DaemonSignals(boost::asio::io_context& io, std::function<void()> stop,
                             std::function<void()> reload)
    : stop_signals_(io, SIGTERM, SIGINT),
      reload_signal_(io, SIGHUP),
      stop_(std::move(stop)),
      reload_(std::move(reload)) {
  stop_signals_.async_wait([this](boost::system::error_code ec, int signal) {
    if (ec) return;
    LogInfo("signal " + std::to_string(signal) + ": stopping");
    NotifyStopping();
    reload_signal_.cancel();
    stop_();
  });
  WaitForReload();
}

void DaemonSignals::WaitForReload() {
  reload_signal_.async_wait([this](boost::system::error_code ec, int) {
    if (ec) return;
    NotifyReloading();
    reload_();
    NotifyReady("running");
    WaitForReload();
  });
}

}  // namespace vigil
