// Peers that break the rules, each while a good agent keeps streaming: each is closed with a
// logged reason, counted in vigil_collector_connections_refused_total{reason}, and harms no one.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>

#include <fstream>
#include <random>

#include "common/framing.h"
#include "tests/integration/harness.h"
#include "tests/support/http_client.h"
#include "tests/support/wait.h"

namespace vigil::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::map<std::string, std::string> kGoodAgent = {{"agent", "good-01"}, {"customer", "acme"}};

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
        << reason << ": " << Refused(reason) << "\n"
        << harness_.collector().Stderr();
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

// Item 2 of the outside attack: an API token in a Hello enrolled an agent under an empty customer,
// whose series then reached the fleet's /metrics and service discovery.
TEST_F(BadPeerTest, NoTokenButAnEnrollmentTokenEnrollsAnAgent) {
  std::vector<std::pair<std::string, std::string>> tokens;
  for (const std::string role : {"viewer", "operator", "admin"}) {
    tokens.emplace_back(role, harness_.CreateApiToken(role, "api-" + role));
  }
  tokens.emplace_back("api.admin_token_file", harness_.admin_token());
  for (const auto& [kind, token] : tokens) {
    const double before = Refused("unauthorized");
    RawPeer peer = Peer();
    ASSERT_TRUE(peer.Handshake());
    peer.SendEnvelope(Hello(token));
    std::optional<wire::Envelope> answer = peer.Read();
    ASSERT_TRUE(answer && answer->has_goodbye()) << kind;
    EXPECT_EQ(answer->goodbye().reason(), "unauthorized") << kind;
    EXPECT_TRUE(peer.ClosedByPeer()) << kind;
    ExpectRefusedOnce("unauthorized", before);
    EXPECT_FALSE(ContainsSecret(harness_.collector().Stderr(), token)) << kind;
  }
  EXPECT_THAT(harness_.collector().Stderr(), HasSubstr("is not an enrollment token"));
  EXPECT_THAT(harness_.ScrapeText(), Not(HasSubstr("intruder")));
  const HttpResult targets = HttpCall(harness_.http_port(), "GET", "/api/v1/prometheus/targets", "",
                                      harness_.admin_token());
  EXPECT_EQ(targets.status, 200);
  EXPECT_THAT(targets.body, Not(HasSubstr("intruder")));
  ExpectGoodAgentStillStreams();
}

// Item 6: a Hello with a label twice spoiled every series of its agent, and with them the whole
// fleet's /metrics, which Prometheus then could not read for any customer.
TEST_F(BadPeerTest, AHelloWithALabelTwiceIsRefusedAndTheFleetScrapeStaysReadable) {
  const std::string token = harness_.CreateToken("globex");
  const std::vector<std::vector<std::pair<std::string, std::string>>> label_sets = {
      {{"role", "web"}, {"role", "db"}},
      {{"role", "web"}, {"team", "a"}, {"role", "web"}},
      {{"customer", "acme"}},
      {{"__name__", "x"}},
      {{"bad-name", "x"}}};
  for (const auto& labels : label_sets) {
    const double before = Refused("invalid_hello");
    RawPeer peer = Peer();
    ASSERT_TRUE(peer.Handshake());
    wire::Envelope hello = Hello(token);
    for (const auto& [name, value] : labels) {
      wire::Label* label = hello.mutable_hello()->add_labels();
      label->set_name(name);
      label->set_value(value);
    }
    peer.SendEnvelope(hello);
    std::optional<wire::Envelope> answer = peer.Read();
    ASSERT_TRUE(answer && answer->has_goodbye()) << labels.front().first;
    EXPECT_EQ(answer->goodbye().reason(), "invalid_hello");
    ExpectRefusedOnce("invalid_hello", before);
  }
  EXPECT_THAT(harness_.collector().Stderr(), HasSubstr("label \"role\" is given more than once"));
  EXPECT_THAT(PromtoolProblems(harness_.dir(), harness_.ScrapeText()), ::testing::IsEmpty());
  ExpectGoodAgentStillStreams();
}

// Item 5: the first frame could announce the whole frame limit (4 MiB) before the agent said who
// it was, and the collector set the memory aside at once.
TEST_F(BadPeerTest, AFirstFrameLargerThanAHelloIsRefusedUnread) {
  const double before = Refused("frame_too_large");
  RawPeer peer = Peer();
  ASSERT_TRUE(peer.Handshake());
  peer.Send(std::string("\x00\x02\x00\x00", 4) + "128 KiB announced; a few bytes follow");
  EXPECT_TRUE(peer.ClosedByPeer());
  ExpectRefusedOnce("frame_too_large", before);
  EXPECT_THAT(harness_.collector().Stderr(), HasSubstr("(the first message, before Hello)"));
  ExpectGoodAgentStillStreams();
}

// Item 9: a batch numbered 2^63 or more was acknowledged without being recorded.
TEST_F(BadPeerTest, ABatchSequenceBeyondWhatIsRecordedIsRefused) {
  const std::string token = harness_.CreateToken("globex");
  for (const std::uint64_t sequence : {std::uint64_t{1} << 63, ~std::uint64_t{0}}) {
    const double before = Refused("protocol_violation");
    RawPeer peer = Peer();
    ASSERT_TRUE(peer.Handshake());
    peer.SendEnvelope(Hello(token));
    std::optional<wire::Envelope> ack = peer.Read();
    ASSERT_TRUE(ack && ack->has_hello_ack());
    EXPECT_EQ(ack->hello_ack().last_applied_sequence(), 0u);
    wire::Envelope batch;
    batch.mutable_batch()->set_sequence(sequence);
    peer.SendEnvelope(batch);
    std::optional<wire::Envelope> answer = peer.Read();
    ASSERT_TRUE(answer.has_value());
    EXPECT_FALSE(answer->has_ack()) << "acknowledged " << sequence;
    ASSERT_TRUE(answer->has_goodbye());
    EXPECT_EQ(answer->goodbye().reason(), "protocol_violation");
    EXPECT_THAT(answer->goodbye().message(), HasSubstr("2^63"));
    ExpectRefusedOnce("protocol_violation", before);
  }
  ExpectGoodAgentStillStreams();
}

// The collector's resident memory, in bytes.
std::size_t ResidentBytes(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
  }
  return 0;
}

// Item 5: 100 unauthenticated TLS connections, each announcing a frame just under the frame limit,
// took the collector from 93 to 453 MB.
TEST(BadPeerLimits, UnauthenticatedConnectionsCostLittleMemory) {
  Harness harness;
  harness.StartCollector("limits: {hello_timeout: 60s, handshake_timeout: 60s}\n");
  const std::size_t before = ResidentBytes(harness.collector().pid());
  constexpr int kPeers = 100;
  std::vector<std::unique_ptr<RawPeer>> peers;
  for (int i = 0; i < kPeers; ++i) {
    peers.push_back(
        std::make_unique<RawPeer>(harness.ingest_port(), harness.dir().File("pki/ca.pem")));
    ASSERT_TRUE(peers.back()->Handshake());
    peers.back()->Send(std::string("\x00\x3f\xff\xff", 4) + "x");  // 4 MiB less one
  }
  ASSERT_TRUE(WaitFor([&] {
    return harness.Scrape().Value("vigil_collector_connections_refused_total",
                                  {{"reason", "frame_too_large"}}) == kPeers;
  })) << harness.collector().Stderr();
  const std::size_t after = ResidentBytes(harness.collector().pid());
  EXPECT_LT(after, before + (40u << 20)) << "grew from " << before << " to " << after;
}

// Item 5: connections that have not said an accepted Hello are bounded in total.
TEST(BadPeerLimits, UnauthenticatedConnectionsBeyondTheirLimitAreRefusedBeforeTls) {
  Harness harness;
  harness.StartCollector(
      "limits: {max_unauthenticated_connections: 2, handshake_timeout: 60s, hello_timeout: 60s}\n");
  harness.StartAgent("good-01", harness.CreateToken("acme"));
  ASSERT_TRUE(harness.WaitForValue("vigil_collector_agent_connected", kGoodAgent,
                                   [](double v) { return v == 1; }));
  // The agent is past its Hello: two slots are left for strangers.
  RawPeer first(harness.ingest_port(), harness.dir().File("pki/ca.pem"));
  RawPeer second(harness.ingest_port(), harness.dir().File("pki/ca.pem"));
  ASSERT_TRUE(second.Handshake());
  RawPeer third(harness.ingest_port(), harness.dir().File("pki/ca.pem"));
  EXPECT_TRUE(third.ClosedByPeer());
  EXPECT_TRUE(WaitFor([&] {
    return harness.Scrape().Value("vigil_collector_connections_refused_total",
                                  {{"reason", "unauthenticated_limit"}}) >= 1;
  }));
  EXPECT_THAT(harness.collector().Stderr(),
              HasSubstr(": unauthenticated_limit: 2 connections have not said an accepted Hello"));
  EXPECT_EQ(harness.Scrape().Value("vigil_collector_agent_connected", kGoodAgent), 1);
}

// Item 11: as many idle HTTP connections as the limit made /healthz answer 503 for seconds.
TEST(BadPeerLimits, IdleHttpConnectionsCannotMakeTheCollectorLookDead) {
  Harness harness;
  harness.StartCollector("limits: {max_http_connections: 32}\n");
  boost::asio::io_context io;
  std::vector<std::unique_ptr<boost::asio::ip::tcp::socket>> idle;
  for (int i = 0; i < 64; ++i) {
    idle.push_back(std::make_unique<boost::asio::ip::tcp::socket>(io));
    idle.back()->connect({boost::asio::ip::make_address("127.0.0.1"), harness.http_port()});
  }
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(HttpGet(harness.http_port(), "/healthz").status, 200);
    EXPECT_EQ(HttpGet(harness.http_port(), "/readyz").status, 200);
  }
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
  EXPECT_THAT(harness.collector().Stderr(),
              HasSubstr(": connection_limit: 2 connections are open"));
  EXPECT_EQ(harness.Scrape().Value("vigil_collector_agent_connected", kGoodAgent), 1);
}

TEST(BadPeerLimits, AnAddressOpeningConnectionsTooFastIsRefused) {
  Harness harness;
  harness.StartCollector("limits: {connection_rate_per_ip: 1, connection_burst_per_ip: 3}\n");
  // Three connections use up the burst; the fourth in the same moment is refused before TLS.
  std::vector<std::unique_ptr<RawPeer>> peers;
  for (int i = 0; i < 4; ++i) {
    peers.push_back(
        std::make_unique<RawPeer>(harness.ingest_port(), harness.dir().File("pki/ca.pem")));
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
  EXPECT_TRUE(WaitFor(
      [&] { return harness.collector().Stderr().find("was revoked") != std::string::npos; }));
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
