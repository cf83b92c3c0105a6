#include "agent/probes/http_probe.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <chrono>

#include "tests/support/fake_http_server.h"
#include "tests/support/process.h"
#include "tests/support/run_awaitable.h"
#include "tests/support/temp_dir.h"

namespace vigil::agent {
namespace {

using ::testing::HasSubstr;

config::AgentConfig::Probe HttpProbeFor(const std::string& url) {
  config::AgentConfig::Probe probe;
  probe.name = "web";
  probe.type = config::AgentConfig::Probe::Type::kHttp;
  probe.url = url;
  probe.timeout = std::chrono::seconds(5);
  return probe;
}

ProbeResult Probe(const config::AgentConfig::Probe& probe) {
  auto http = HttpProbe::Create(probe);
  if (!http.ok()) throw std::runtime_error(http.error().message);
  return testing::RunAwaitable<ProbeResult>(
      [&](boost::asio::any_io_executor executor) { return (*http)->Run(executor); });
}

double Gauge(const ProbeResult& result, const std::string& name) {
  for (const ProbeGauge& gauge : result.gauges) {
    if (gauge.name == name) return gauge.value;
  }
  return -1;
}

std::string Local(std::uint16_t port, const std::string& path = "/health") {
  return "http://127.0.0.1:" + std::to_string(port) + path;
}

TEST(HttpProbe, PassesOnA2xxAnswer) {
  testing::FakeHttpServer server({200, "all good"});
  ProbeResult result = Probe(HttpProbeFor(Local(server.port())));
  EXPECT_TRUE(result.success) << result.failure;
  EXPECT_EQ(Gauge(result, "vigil_probe_http_status_code"), 200);
  EXPECT_GT(result.duration_seconds, 0);
}

TEST(HttpProbe, FailsOnAnUnexpectedStatusAndSaysWhich) {
  testing::FakeHttpServer server({503, "down"});
  ProbeResult result = Probe(HttpProbeFor(Local(server.port())));
  EXPECT_FALSE(result.success);
  EXPECT_EQ(result.failure, "unexpected status 503");
  EXPECT_EQ(Gauge(result, "vigil_probe_http_status_code"), 503);
}

TEST(HttpProbe, AcceptsAListedStatus) {
  testing::FakeHttpServer server({401, "who"});
  auto probe = HttpProbeFor(Local(server.port()));
  probe.expect_status = {401};
  EXPECT_TRUE(Probe(probe).success);
}

TEST(HttpProbe, ChecksTheBody) {
  testing::FakeHttpServer server({200, "status: degraded"});
  auto probe = HttpProbeFor(Local(server.port()));
  probe.body_match = "status: (ok|fine)";
  ProbeResult result = Probe(probe);
  EXPECT_FALSE(result.success);
  EXPECT_THAT(result.failure, HasSubstr("does not match"));
}

TEST(HttpProbe, FailsWhenNothingListens) {
  std::uint16_t port = 0;
  {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    port = acceptor.local_endpoint().port();
  }
  ProbeResult result = Probe(HttpProbeFor(Local(port)));
  EXPECT_FALSE(result.success);
  EXPECT_THAT(result.failure, HasSubstr("cannot connect"));
  EXPECT_EQ(Gauge(result, "vigil_probe_http_status_code"), 0);
}

TEST(HttpProbe, GivesUpOnASlowServerAtTheTimeout) {
  testing::FakeHttpServer server({200, "late", std::chrono::milliseconds(2000)});
  auto probe = HttpProbeFor(Local(server.port()));
  probe.timeout = std::chrono::milliseconds(200);
  ProbeResult result = Probe(probe);
  EXPECT_FALSE(result.success);
  EXPECT_THAT(result.failure, HasSubstr("timed out"));
  EXPECT_LT(result.duration_seconds, 1.5);
}

TEST(HttpProbe, ReportsTheCertificateExpiryOfAnHttpsServer) {
  testing::TempDir dir;
  // A certificate for 127.0.0.1 that expires in one day.
  testing::CommandResult made = testing::RunCommand(
      {"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
       "-days", "1", "-subj", "/CN=soon", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout",
       dir.File("key.pem"), "-out", dir.File("cert.pem")});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  testing::FakeHttpServer server(
      {200, "ok"}, testing::FakeHttpServer::Tls{dir.File("cert.pem"), dir.File("key.pem")});
  auto probe = HttpProbeFor("https://127.0.0.1:" + std::to_string(server.port()) + "/");
  probe.ca_file = dir.File("cert.pem");
  ProbeResult result = Probe(probe);
  ASSERT_TRUE(result.success) << result.failure;
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  const double expiry = Gauge(result, "vigil_probe_tls_cert_expiry_timestamp_seconds");
  EXPECT_GT(expiry, now + 23 * 3600);
  EXPECT_LT(expiry, now + 25 * 3600);
}

TEST(HttpProbe, RefusesAServerItCannotVerify) {
  testing::TempDir dir;
  ASSERT_EQ(testing::RunCommand({VIGIL_SOURCE_DIR "/scripts/make-pki", dir.File("pki")}).exit_code,
            0);
  testing::FakeHttpServer server(
      {200, "ok"},
      testing::FakeHttpServer::Tls{dir.File("pki/collector.pem"), dir.File("pki/collector.key")});
  // The system's CA store does not know the private CA.
  ProbeResult result =
      Probe(HttpProbeFor("https://127.0.0.1:" + std::to_string(server.port()) + "/"));
  EXPECT_FALSE(result.success);
  EXPECT_THAT(result.failure, HasSubstr("TLS handshake"));
}

TEST(ParseUrl, ReadsSchemeHostPortAndTarget) {
  auto url = ParseUrl("https://[::1]:8443/health?full=1");
  ASSERT_TRUE(url.ok());
  EXPECT_TRUE(url->tls);
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, "8443");
  EXPECT_EQ(url->target, "/health?full=1");
  EXPECT_EQ(ParseUrl("http://example.com")->port, "80");
  EXPECT_EQ(ParseUrl("http://example.com")->target, "/");
  EXPECT_FALSE(ParseUrl("ftp://example.com").ok());
  EXPECT_FALSE(ParseUrl("http://user:pw@example.com").ok());
  EXPECT_FALSE(ParseUrl("http://example.com:99999/").ok());
}

}  // namespace
}  // namespace vigil::agent
