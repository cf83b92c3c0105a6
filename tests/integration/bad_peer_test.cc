// Peers that break the rules, each while a good agent keeps streaming: each is closed with a
// logged reason, counted in vigil_collector_connections_refused_total{reason}, and harms no one.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>

#include "common/framing.h"
#include "tests/integration/harness.h"
#include "tests/support/wait.h"

namespace vigil::testing {
namespace {

using ::testing::HasSubstr;

const std::map<std::string, std::string> kGoodAgent = {{"agent", "good-01"},
                                                       {"customer", "acme"}};

class BadPeerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    harness_.StartCollector("limits: {handshake_timeout: 500ms, hello_timeout: 500ms}\n");
    good_token_ = harness_.CreateToken("acme");
    harness_.StartAgent("good-01", good_token_);
    ASSERT_TRUE(harness_.WaitForValue("vigil_collector_batches_applied_total", kGoodAgent));
  }

  double Refused(const std::string& reason) {
    return harness_.Scrape()
        .Value("vigil_collector_connections_refused_total", {{"reason", reason}})
        .value_or(-1);
  }

  // The collector counted exactly one more refusal for `reason` and logged it.
  void ExpectRefusedOnce(const std::string& reason, double before) {
    EXPECT_TRUE(WaitFor([&] { return Refused(reason) == before + 1; }))
        << reason << ": " << Refused(reason) << "\n" << harness_.collector().Stderr();
    EXPECT_THAT(harness_.collector().Stderr(), HasSubstr(": " + reason + ": "));
  }

  // The good agent's batches still arrive after the bad peer was dealt with.
  void ExpectGoodAgentStillStreams() {
    const double applied =
        *harness_.Scrape().Value("vigil_collector_batches_applied_total", kGoodAgent);
    EXPECT_TRUE(harness_.WaitForValue("vigil_collector_batches_applied_total", kGoodAgent,
                                      [&](double v) { return v >= applied + 2; }));
    EXPECT_EQ(harness_.Scrape().Value("vigil_collector_agent_connected", kGoodAgent), 1);
  }

  RawPeer Peer() { return RawPeer(harness_.ingest_port(), harness_.dir().File("pki/ca.pem")); }

  static wire::Envelope Hello(const std::string& token) {
    wire::Envelope envelope;
    wire::Hello* hello = envelope.mutable_hello();
    hello->set_protocol_version(kProtocolVersion);
    hello->set_agent_id("intruder");
    hello->set_token(token);
    hello->set_next_sequence(1);
    return envelope;
  }

  Harness harness_;
  std::string good_token_;
};

TEST_F(BadPeerTest, PlainTcpWithoutTlsIsRefused) {
  const double before = Refused("tls_handshake_failed");
  RawPeer peer = Peer();
  peer.SendPlain("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(peer.ClosedByPeer());
  ExpectRefusedOnce("tls_handshake_failed", before);
  ExpectGoodAgentStillStreams();
}

TEST_F(BadPeerTest, UnknownTokenIsRefusedWithGoodbye) {
  const double before = Refused("unauthorized");
  RawPeer peer = Peer();
  ASSERT_TRUE(peer.Handshake());
  peer.SendEnvelope(Hello("vgl_not-a-real-token"));
  std::optional<wire::Envelope> answer = peer.Read();
  ASSERT_TRUE(answer && answer->has_goodbye());
  EXPECT_EQ(answer->goodbye().reason(), "unauthorized");
  EXPECT_TRUE(peer.ClosedByPeer());
  ExpectRefusedOnce("unauthorized", before);
  EXPECT_FALSE(ContainsSecret(harness_.collector().Stderr(), "vgl_not-a-real-token"));
  ExpectGoodAgentStillStreams();
}

TEST_F(BadPeerTest, RevokedTokenIsRefused) {
  const std::string token = harness_.CreateToken("globex");
  harness_.RevokeNewestToken("globex");
  const double before = Refused("unauthorized");
  RawPeer peer = Peer();
  ASSERT_TRUE(peer.Handshake());
  peer.SendEnvelope(Hello(token));
  std::optional<wire::Envelope> answer = peer.Read();
  ASSERT_TRUE(answer && answer->has_goodbye());
  EXPECT_THAT(answer->goodbye().message(), HasSubstr("revoked"));
  ExpectRefusedOnce("unauthorized", before);
  EXPECT_FALSE(ContainsSecret(harness_.collector().Stderr(), token));
  ExpectGoodAgentStillStreams();
}

TEST_F(BadPeerTest, FrameClaimingOneGibibyteIsRefusedUnread) {
  const double before = Refused("frame_too_large");
  RawPeer peer = Peer();
  ASSERT_TRUE(peer.Handshake());
  peer.Send(std::string("\x40\x00\x00\x00", 4) + "only a few bytes follow");
  EXPECT_TRUE(peer.ClosedByPeer());
  ExpectRefusedOnce("frame_too_large", before);
  ExpectGoodAgentStillStreams();
}

TEST_F(BadPeerTest, RandomBytesAfterTheHandshakeAreRefused) {
  const double before = Refused("malformed_message") + Refused("frame_too_large");
  RawPeer peer = Peer();
  ASSERT_TRUE(peer.Handshake());
  std::mt19937 random(20261127);  // fixed seed: the same bytes on every run
  std::string bytes(256, '\0');
  for (char& byte : bytes) byte = static_cast<char>(random());
  bytes[0] = 0;  // a plausible length, so the body is read and parsed
  bytes[1] = 0;
  bytes[2] = 0;
  bytes[3] = 100;
  peer.Send(bytes);
  EXPECT_TRUE(peer.ClosedByPeer());
  EXPECT_TRUE(WaitFor([&] {
    return Refused("malformed_message") + Refused("frame_too_large") == before + 1;
  })) << harness_.collector().Stderr();
  EXPECT_THAT(harness_.collector().Stderr(), HasSubstr(": malformed_message: "));
  ExpectGoodAgentStillStreams();
}

TEST_F(BadPeerTest, ClientThatConnectsAndSaysNothingIsClosedAtTheHandshakeDeadline) {
  const double before = Refused("handshake_timeout");
  RawPeer peer = Peer();
  EXPECT_TRUE(peer.ClosedByPeer());
  ExpectRefusedOnce("handshake_timeout", before);
  ExpectGoodAgentStillStreams();
}

TEST_F(BadPeerTest, ClientThatShakesHandsAndSaysNothingIsClosedAtTheHelloDeadline) {
  const double before = Refused("hello_timeout");
  RawPeer peer = Peer();
  ASSERT_TRUE(peer.Handshake());
  EXPECT_TRUE(peer.ClosedByPeer());
  ExpectRefusedOnce("hello_timeout", before);
  ExpectGoodAgentStillStreams();
}

TEST_F(BadPeerTest, FirstMessageOtherThanHelloIsRefused) {
  const double before = Refused("protocol_violation");
  RawPeer peer = Peer();
  ASSERT_TRUE(peer.Handshake());
  wire::Envelope batch;
  batch.mutable_batch()->set_sequence(1);
  peer.SendEnvelope(batch);
  EXPECT_TRUE(peer.ClosedByPeer());
  ExpectRefusedOnce("protocol_violation", before);
  ExpectGoodAgentStillStreams();
}

TEST(BadPeerLimits, ConnectionsBeyondTheLimitAreRefusedBeforeTls) {
  Harness harness;
  harness.StartCollector("limits: {max_connections: 2, handshake_timeout: 30s}\n");
  harness.StartAgent("good-01", harness.CreateToken("acme"));
  ASSERT_TRUE(harness.WaitForValue("vigil_collector_agent_connected", kGoodAgent,
                                   [](double v) { return v == 1; }));
  RawPeer holder(harness.ingest_port(), harness.dir().File("pki/ca.pem"));  // second slot
  ASSERT_TRUE(WaitFor([&] {
    RawPeer extra(harness.ingest_port(), harness.dir().File("pki/ca.pem"));
    return extra.ClosedByPeer() &&
           harness.Scrape().Value("vigil_collector_connections_refused_total",
                                  {{"reason", "connection_limit"}}) >= 1;
  })) << harness.collector().Stderr();
  EXPECT_THAT(harness.collector().Stderr(), HasSubstr(": connection_limit: 2 connections are open"));
  EXPECT_EQ(harness.Scrape().Value("vigil_collector_agent_connected", kGoodAgent), 1);
}

TEST(BadPeerLimits, AnAddressOpeningConnectionsTooFastIsRefused) {
  Harness harness;
  harness.StartCollector("limits: {connection_rate_per_ip: 1, connection_burst_per_ip: 3}\n");
  // Three connections use up the burst; the fourth in the same moment is refused before TLS.
  std::vector<std::unique_ptr<RawPeer>> peers;
  for (int i = 0; i < 4; ++i) {
    peers.push_back(std::make_unique<RawPeer>(harness.ingest_port(), harness.dir().File("pki/ca.pem")));
  }
  EXPECT_TRUE(peers.back()->ClosedByPeer());
  EXPECT_TRUE(WaitFor([&] {
    return harness.Scrape().Value("vigil_collector_connections_refused_total",
                                  {{"reason", "rate_limited"}}) >= 1;
  }));
  EXPECT_THAT(harness.collector().Stderr(), HasSubstr(": rate_limited: too many new connections"));
}

TEST(BadPeerLimits, RevokingATokenCutsItsLiveStream) {
  Harness harness;
  harness.StartCollector("limits: {revocation_check_interval: 200ms}\n");
  harness.StartAgent("good-01", harness.CreateToken("acme"));
  ASSERT_TRUE(harness.WaitForValue("vigil_collector_agent_connected", kGoodAgent,
                                   [](double v) { return v == 1; }));
  harness.RevokeNewestToken("acme");
  EXPECT_TRUE(harness.WaitForValue("vigil_collector_agent_connected", kGoodAgent,
                                   [](double v) { return v == 0; }));
  EXPECT_TRUE(WaitFor([&] {
    return harness.collector().Stderr().find("was revoked") != std::string::npos;
  }));
  // And it stays out: its reconnection is refused.
  EXPECT_TRUE(WaitFor([&] {
    return harness.agent().Stderr().find("collector refused the agent (unauthorized)") !=
           std::string::npos;
  })) << harness.agent().Stderr();
  EXPECT_GE(harness.Scrape().Value("vigil_collector_connections_refused_total",
                                   {{"reason", "unauthorized"}}),
            2);
}

TEST(BadPeerLimits, AgentSilentAfterHelloIsClosedAtTheIdleTimeout) {
  Harness harness;
  harness.StartCollector("limits: {idle_timeout: 1s}\n");
  const std::string token = harness.CreateToken("acme");
  RawPeer peer(harness.ingest_port(), harness.dir().File("pki/ca.pem"));
  ASSERT_TRUE(peer.Handshake());
  wire::Envelope hello;
  hello.mutable_hello()->set_protocol_version(kProtocolVersion);
  hello.mutable_hello()->set_agent_id("quiet-01");
  hello.mutable_hello()->set_token(token);
  peer.SendEnvelope(hello);
  std::optional<wire::Envelope> answer = peer.Read();
  ASSERT_TRUE(answer && answer->has_hello_ack());
  EXPECT_EQ(answer->hello_ack().heartbeat_interval_ms(), 1000u);
  EXPECT_TRUE(peer.ClosedByPeer());
  EXPECT_TRUE(WaitFor([&] {
    return harness.Scrape().Value("vigil_collector_connections_refused_total",
                                  {{"reason", "idle_timeout"}}) == 1;
  }));
  EXPECT_EQ(harness.Scrape().Value("vigil_collector_agent_connected",
                                   {{"agent", "quiet-01"}, {"customer", "acme"}}),
            0);
}

}  // namespace
}  // namespace vigil::testing
