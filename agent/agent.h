#pragma once
// The running agent: on every health interval it collects, appends one batch to the spool and wakes
// the uplink, which streams the spool to the collector.
//
// Threading: construct, Start, Reload and Stop on the thread that runs `io`, which runs on that one
// thread only.

#include <boost/asio/io_context.hpp>
#include <functional>
#include <memory>

#include "common/result.h"
#include "config/agent_config.h"

namespace vigil::agent {

class Agent {
 public:
  // Opens the spool and loads the TLS files and token; errors name what could not be read.
  static Result<std::unique_ptr<Agent>> Create(boost::asio::io_context& io,
                                               std::shared_ptr<const config::AgentConfig> config);
  ~Agent();
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;

  void Start();
  // Applies what can change while running (labels, collector connection, intervals, health root,
  // spool size, log level) and logs, for what cannot (agent.id, spool.path), that a restart is
  // needed. On an error (unreadable token or certificate) the old settings stay.
  void Reload(std::shared_ptr<const config::AgentConfig> config);
  // Stops collecting and drains the uplink (see Uplink::Drain); `done` runs when finished.
  void Stop(std::function<void()> done);

 private:
  class Impl;
  explicit Agent(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::agent
