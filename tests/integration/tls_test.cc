// The stream's TLS: the agent verifies who it talks to; with client_ca_file the collector does too.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/integration/harness.h"
#include "tests/support/wait.h"

namespace vigil::testing {
namespace {

using ::testing::HasSubstr;

const std::map<std::string, std::string> kWebAcme = {{"agent", "web-01"}, {"customer", "acme"}};

bool AgentLogShows(Harness& harness, const std::string& text) {
  return WaitFor([&] { return harness.agent().Stderr().find(text) != std::string::npos; });
}

TEST(Tls, AgentRefusesACollectorWhoseCertificateNamesAnotherHost) {
  Harness harness;
  harness.StartCollector();
  harness.StartAgent("web-01", harness.CreateToken("acme"), "",
                     {{"server_name", "collector.elsewhere.example"}});
  EXPECT_TRUE(AgentLogShows(harness, "TLS handshake with")) << harness.agent().Stderr();
  EXPECT_THAT(harness.agent().Stderr(), HasSubstr("certificate verify failed"));
  EXPECT_EQ(harness.Scrape().Value("vigil_collector_connections_accepted_total"), 0);
}

TEST(Tls, AgentRefusesACollectorSignedByAnotherCa) {
  Harness harness;
  CommandResult other =
      RunCommand({VIGIL_SOURCE_DIR "/scripts/make-pki", harness.dir().File("other-pki")});
  ASSERT_EQ(other.exit_code, 0) << other.err;
  harness.StartCollector();
  harness.StartAgent("web-01", harness.CreateToken("acme"), "", {{"ca_file", "other-pki/ca.pem"}});
  EXPECT_TRUE(AgentLogShows(harness, "certificate verify failed")) << harness.agent().Stderr();
  EXPECT_EQ(harness.Scrape().Value("vigil_collector_connections_accepted_total"), 0);
}

TEST(Tls, MutualTlsAcceptsAnAgentWithAClientCertificateAndRefusesOneWithout) {
  Harness harness;
  harness.StartCollector(
      "tls: {cert_file: pki/collector.pem, key_file: pki/collector.key, "
      "client_ca_file: pki/ca.pem}\n");
  harness.StartAgent("web-01", harness.CreateToken("acme"), "",
                     {{"cert_file", "pki/agent.pem"}, {"key_file", "pki/agent.key"}});
  EXPECT_TRUE(harness.WaitForValue("vigil_collector_batches_applied_total", kWebAcme))
      << harness.agent().Stderr();

  const double refused_before = *harness.Scrape().Value("vigil_collector_connections_refused_total",
                                                        {{"reason", "tls_handshake_failed"}});
  RawPeer without_certificate(harness.ingest_port(), harness.dir().File("pki/ca.pem"));
  without_certificate.Handshake();  // TLS 1.3 may finish on the client before the server refuses
  EXPECT_TRUE(without_certificate.ClosedByPeer());
  EXPECT_TRUE(WaitFor([&] {
    return harness.Scrape().Value("vigil_collector_connections_refused_total",
                                  {{"reason", "tls_handshake_failed"}}) == refused_before + 1;
  }));
}

}  // namespace
}  // namespace vigil::testing
