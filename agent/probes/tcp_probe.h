#pragma once
// The "tcp" probe: a TCP connect to host:port within the timeout; its duration is the connect
// latency.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "agent/probes/probe.h"
#include "config/agent_config.h"

namespace vigil::agent {

boost::asio::awaitable<ProbeResult> RunTcpProbe(boost::asio::any_io_executor executor,
                                                const config::AgentConfig::Probe& probe);

}  // namespace vigil::agent
