#pragma once
// The TLS ingest endpoint: accepts agents' streams, authenticates each by its enrollment token
// (which decides the customer; no other kind of token enrolls an agent), applies every (agent,
// sequence) once through the store and the live state, and acknowledges. A peer that breaks a rule
// — no TLS, a bad token, an oversized or malformed frame, silence — is closed with a logged reason
// and counted, without touching any other connection. An IngestObserver, when given, hears of every
// Hello, applied batch, heartbeat and Goodbye after it is recorded.
//
// Threading: sessions run on their own strands of a multi-threaded io_context; Start, Stop and
// Reconfigure may be called from any thread.

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <memory>
#include <string>

#include "common/clock.h"
#include "common/result.h"
#include "common/units.h"

namespace boost::asio::ssl {
class context;
}

namespace vigil::collector {

class IngestMetrics;
class IngestObserver;
class LiveState;
class Store;

struct IngestOptions {
  std::size_t max_connections = 10000;
  // Of max_connections, those not yet past an accepted Hello (from accept, TLS handshake
  // included): what an outsider without a token can hold. More are refused before TLS.
  std::size_t max_unauthenticated_connections = 512;
  std::size_t max_frame_bytes = 4 << 20;
  // The first frame, read before the agent is known, may be no larger.
  std::size_t max_hello_bytes = 64 << 10;
  Duration handshake_timeout{std::chrono::seconds(10)};
  Duration hello_timeout{std::chrono::seconds(10)};
  Duration idle_timeout{std::chrono::seconds(90)};
  // New connections from one address: a token bucket refilled at this rate (per second), holding
  // this many (agents behind one NAT share it).
  double connection_rate_per_ip = 50;
  double connection_burst_per_ip = 500;
  // How often live streams are checked against revoked tokens (and cut when theirs is).
  Duration revocation_check_interval{std::chrono::seconds(10)};
};

class IngestServer {
 public:
  // Binds `listen` ("host:port"; port 0 picks a free one). Errors name the address.
  static Result<std::unique_ptr<IngestServer>> Create(
      boost::asio::io_context& io, const std::string& listen,
      std::shared_ptr<boost::asio::ssl::context> tls, IngestOptions options, Store& store,
      LiveState& live, IngestMetrics& metrics, const Clock& clock,
      IngestObserver* observer = nullptr);
  ~IngestServer();
  IngestServer(const IngestServer&) = delete;
  IngestServer& operator=(const IngestServer&) = delete;

  void Start();
  // Stops accepting and closes every connection; their coroutines end shortly after.
  void Stop();
  // New limits and TLS context, for connections accepted from now on.
  void Reconfigure(IngestOptions options, std::shared_ptr<boost::asio::ssl::context> tls);

  std::uint16_t port() const;
  // After Stop(): true once every connection has ended.
  bool Drained() const;

 private:
  class Impl;
  explicit IngestServer(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace vigil::collector
