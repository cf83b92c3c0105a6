#include "agent/probes/tcp_probe.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>

#include "tests/support/run_awaitable.h"

namespace vigil::agent {
namespace {

ProbeResult RunAgainst(std::uint16_t port) {
  config::AgentConfig::Probe probe;
  probe.name = "db";
  probe.type = config::AgentConfig::Probe::Type::kTcp;
  probe.address = "127.0.0.1:" + std::to_string(port);
  probe.timeout = std::chrono::seconds(5);
  return testing::RunAwaitable<ProbeResult>(
      [&](boost::asio::any_io_executor executor) { return RunTcpProbe(executor, probe); });
}

TEST(TcpProbe, PassesWhenSomethingListens) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  ProbeResult result = RunAgainst(acceptor.local_endpoint().port());
  EXPECT_TRUE(result.success) << result.failure;
  EXPECT_GT(result.duration_seconds, 0);
}

TEST(TcpProbe, FailsWhenNothingListens) {
  std::uint16_t port = 0;
  {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    port = acceptor.local_endpoint().port();
  }
  ProbeResult result = RunAgainst(port);
  EXPECT_FALSE(result.success);
  EXPECT_THAT(result.failure, ::testing::HasSubstr("cannot connect"));
}

}  // namespace
}  // namespace vigil::agent
