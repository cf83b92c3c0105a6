#pragma once
// A daemon's lifecycle driven by signals on its io_context: the first SIGTERM or SIGINT calls
// `stop` (and tells systemd STOPPING=1); every SIGHUP calls `reload` between RELOADING=1 and
// READY=1. Handlers run on the io_context.

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <functional>

namespace vigil {

class DaemonSignals {
 public:
  DaemonSignals(boost::asio::io_context& io, std::function<void()> stop,
                std::function<void()> reload);
  DaemonSignals(const DaemonSignals&) = delete;
  DaemonSignals& operator=(const DaemonSignals&) = delete;

 private:
  void WaitForReload();

  boost::asio::signal_set stop_signals_;
  boost::asio::signal_set reload_signal_;
  std::function<void()> stop_;
  std::function<void()> reload_;
};

}  // namespace vigil
