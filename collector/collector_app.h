#pragma once
// The running collector: store, live state, alerting, ingest server, HTTP server and REST API
// wired together from one configuration and its rules.
//
// Threading: Create, Start, Stop and Reload from one thread (main's signal handling); the servers
// run on `io`, which may run on many threads.

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <memory>

#include "collector/alerting_setup.h"
#include "common/result.h"
#include "config/collector_config.h"

namespace vigil::collector {

class CollectorApp {
 public:
  // Opens the store, loads TLS files and binds both listeners; errors name what failed.
  // `setup` holds what the configuration points at: rule files, notification settings.
  static Result<std::unique_ptr<CollectorApp>> Create(
      boost::asio::io_context& io, std::shared_ptr<const config::CollectorConfig> config,
      AlertingSetup setup);
  ~CollectorApp();
  CollectorApp(const CollectorApp&) = delete;
  CollectorApp& operator=(const CollectorApp&) = delete;

  // Registers the loops that run beside the io_context (notification delivery) with systemd's
  // watchdog: `add_loop(name)` returns the beat each calls on every round. Before Start.
  void WatchLoops(const std::function<std::function<void()>(std::string)>& add_loop);
  void Start();
  // Stops accepting and closes connections; /readyz answers 503 from here on.
  void Stop();
  // After Stop(): true once every ingest and HTTP connection has ended.
  bool Drained() const;
  // Applies limits, TLS certificates (for new connections), the admin token, rules and the log
  // level; logs, for the listen addresses and the store, that a restart is needed.
  void Reload(std::shared_ptr<const config::CollectorConfig> config, AlertingSetup setup);

  std::uint16_t ingest_port() const;
  std::uint16_t http_port() const;

 private:
  class Impl;
  explicit CollectorApp(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::collector
