#include "agent/probes/tcp_probe.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>

#include "common/host_port.h"

namespace vigil::agent {

namespace asio = boost::asio;

asio::awaitable<ProbeResult> RunTcpProbe(asio::any_io_executor executor,
                                         const config::AgentConfig::Probe& probe) {
  const auto start = std::chrono::steady_clock::now();
  ProbeResult result;
  const auto finish = [&](std::string failure) {
    result.failure = std::move(failure);
    result.success = result.failure.empty();
    result.duration_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  Result<HostPort> target = ParseHostPort(probe.address);
  if (!target) {
    finish(target.error().message);
    co_return result;
  }
  boost::system::error_code ec;
  asio::ip::tcp::resolver resolver(executor);
  auto endpoints = co_await resolver.async_resolve(target->host, std::to_string(target->port),
                                                   asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    finish("cannot resolve " + target->host + ": " + ec.message());
    co_return result;
  }
  boost::beast::tcp_stream stream(executor);
  stream.expires_at(start + probe.timeout);
  co_await stream.async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
  if (ec == boost::beast::error::timeout) {
    finish("timed out connecting to " + probe.address);
  } else if (ec) {
    finish("cannot connect to " + probe.address + ": " + ec.message());
  } else {
    finish("");
  }
  co_return result;
}

}  // namespace vigil::agent
