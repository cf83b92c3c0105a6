#include "agent/probes/prober.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "common/exposition.h"
#include "tests/support/exposition_parser.h"

namespace vigil::agent {
namespace {

// Drives the io_context until `condition` holds or a deadline passes.
bool RunUntil(boost::asio::io_context& io, const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!condition() && std::chrono::steady_clock::now() < deadline) {
    io.run_one_for(std::chrono::milliseconds(50));
  }
  return condition();
}

TEST(Prober, ReportsFailureAndRecoveryAsEventsAndKeepsTheLatestResult) {
  boost::asio::io_context io;
  std::uint16_t port = 0;
  {
    boost::asio::ip::tcp::acceptor probe_port(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    port = probe_port.local_endpoint().port();
  }
  config::AgentConfig::Probe probe;
  probe.name = "db";
  probe.type = config::AgentConfig::Probe::Type::kTcp;
  probe.address = "127.0.0.1:" + std::to_string(port);
  probe.interval = std::chrono::milliseconds(50);
  probe.timeout = std::chrono::milliseconds(40);
  probe.severity = "critical";
  std::vector<wire::Event> events;
  auto prober = Prober::Create(io.get_executor(), {probe}, "/",
                               [&](wire::Event event) { events.push_back(std::move(event)); });
  ASSERT_TRUE(prober.ok()) << prober.error().message;
  (*prober)->Start();

  ASSERT_TRUE(RunUntil(io, [&] { return !events.empty(); }));
  EXPECT_EQ(events[0].kind(), "probe_failed");
  EXPECT_EQ(events[0].labels(0).value(), "db");
  // The collector's ProbeFailing incident takes its severity from here.
  ASSERT_EQ(events[0].labels_size(), 3);
  EXPECT_EQ(events[0].labels(2).name(), "severity");
  EXPECT_EQ(events[0].labels(2).value(), "critical");
  auto scrape = testing::RenderAndParse((*prober)->Families());
  EXPECT_EQ(scrape.Value("vigil_probe_success", {{"probe", "db"}, {"type", "tcp"}}), 0);

  boost::asio::ip::tcp::acceptor listening(io, {boost::asio::ip::make_address("127.0.0.1"), port});
  ASSERT_TRUE(RunUntil(io, [&] { return events.size() >= 2; }));
  EXPECT_EQ(events[1].kind(), "probe_recovered");
  EXPECT_EQ(events.size(), 2u);  // no event while nothing changes
  scrape = testing::RenderAndParse((*prober)->Families());
  EXPECT_EQ(scrape.Value("vigil_probe_success", {{"probe", "db"}, {"type", "tcp"}}), 1);
  (*prober)->Stop();
}

}  // namespace
}  // namespace vigil::agent
