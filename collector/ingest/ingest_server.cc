#include "collector/ingest/ingest_server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>

#include "collector/http/listener.h"
#include "collector/ingest/hello_check.h"
#include "collector/ingest/ingest_metrics.h"
#include "collector/ingest/ingest_observer.h"
#include "collector/ingest/live_state.h"
#include "collector/store/store.h"
#include "collector/store/token.h"
#include "common/frame_io.h"
#include "common/host_port.h"
#include "common/identity.h"
#include "common/log.h"
#include "common/rate_limiter.h"

namespace vigil::collector {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using asio::ip::tcp;

namespace {

constexpr Duration kGoodbyeTimeout = std::chrono::seconds(1);

// How a session ended. `refusal` is a reason of vigil_collector_connections_refused_total, or
// empty when the peer did nothing wrong (it closed, said Goodbye, or we shut down).
struct Ending {
  std::string refusal;
  std::string message;
};

Ending Refuse(std::string reason, std::string message) {
  return {std::move(reason), std::move(message)};
}
Ending Ended(std::string message) { return {{}, std::move(message)}; }

// Maps a read error before or after Hello to how the session ends.
Ending FromReadError(const Error& error, bool after_hello) {
  if (error.code == ErrorCode::kTimeout) {
    return Refuse(after_hello ? "idle_timeout" : "hello_timeout", error.message);
  }
  if (error.code == ErrorCode::kFrameTooLarge || error.code == ErrorCode::kMalformedMessage) {
    return Refuse(std::string(ErrorCodeName(error.code)), error.message);
  }
  return Ended(error.message);
}

std::string DescribeEndpoint(const tcp::socket& socket) {
  boost::system::error_code ec;
  const tcp::endpoint remote = socket.remote_endpoint(ec);
  if (ec) return "unknown peer";
  return FormatHostPort({remote.address().to_string(), remote.port()});
}

std::string PeerAddress(const tcp::socket& socket) {
  boost::system::error_code ec;
  const tcp::endpoint remote = socket.remote_endpoint(ec);
  return ec ? std::string() : remote.address().to_string();
}

constexpr std::size_t kMaxRateLimitedAddresses = 100000;
// Refusals are logged at most this often (per second, with a burst), so a flood of bad peers
// cannot flood the journal; the count of lines left out is reported with the next one.
constexpr double kRefusalLogRate = 10;
constexpr double kRefusalLogBurst = 50;

// Batches are recorded by sequence in a signed 64-bit column: a sequence beyond it could be
// acknowledged without being recorded.
constexpr std::uint64_t kMaxSequence = static_cast<std::uint64_t>(INT64_MAX);

}  // namespace

class IngestServer::Impl : public std::enable_shared_from_this<IngestServer::Impl> {
 public:
  struct Settings {
    IngestOptions options;
    std::shared_ptr<asio::ssl::context> tls;
  };

  class Session : public std::enable_shared_from_this<Session> {
   public:
    Session(tcp::socket socket, std::shared_ptr<const Settings> settings, Impl& server)
        : peer_(DescribeEndpoint(socket)),
          stream_(boost::beast::tcp_stream(std::move(socket)), *settings->tls),
          settings_(std::move(settings)),
          server_(server) {}

    const std::string& peer() const { return peer_; }

    // Closes the connection from any thread; the session's coroutine then ends. A non-empty
    // `refusal` counts the ending as that refusal.
    void Close(std::string why, std::string refusal = "") {
      asio::post(stream_.get_executor(),
                 [self = shared_from_this(), why = std::move(why), refusal = std::move(refusal)] {
                   if (self->close_reason_.empty()) {
                     self->close_reason_ = why;
                     self->close_refusal_ = refusal;
                   }
                   boost::system::error_code ignored;
                   boost::beast::get_lowest_layer(self->stream_).socket().close(ignored);
                 });
    }

    static awaitable<void> Run(std::shared_ptr<Session> self) {
      Ending ending = co_await self->Serve();
      if (!self->close_reason_.empty()) ending = {self->close_refusal_, self->close_reason_};
      self->server_.SessionEnded(*self, ending);
    }

    const std::optional<AgentKey>& agent() const { return agent_; }

   private:
    awaitable<Ending> Serve() {
      const IngestOptions& options = settings_->options;
      boost::system::error_code ec;
      boost::beast::get_lowest_layer(stream_).expires_after(options.handshake_timeout);
      co_await stream_.async_handshake(asio::ssl::stream_base::server,
                                       asio::redirect_error(use_awaitable, ec));
      if (ec == boost::beast::error::timeout) {
        co_return Refuse("handshake_timeout",
                         "no TLS handshake within " + FormatDuration(options.handshake_timeout));
      }
      if (ec) co_return Refuse("tls_handshake_failed", "TLS handshake failed: " + ec.message());

      // Until the agent is known, only a small first frame is read (limits.max_hello_size).
      Result<wire::Envelope> first =
          co_await ReadEnvelope(stream_, options.max_hello_bytes, options.hello_timeout);
      if (!first) {
        Ending ending = FromReadError(first.error(), /*after_hello=*/false);
        if (ending.refusal == "frame_too_large")
          ending.message += " (the first message, before Hello)";
        co_return ending;
      }
      if (std::optional<HelloRefusal> refused = CheckFirstMessage(*first); refused) {
        co_return co_await RefuseWithGoodbye(refused->reason, refused->message);
      }
      const wire::Hello& hello = first->hello();
      Result<std::optional<TokenRecord>> token =
          server_.store_.tokens().FindToken(HashToken(hello.token()));
      if (!token) {
        LogError("ingest: token lookup failed: " + token.error().message);
        co_return co_await EndWithGoodbye("unavailable", "collector store unavailable");
      }
      if (!token->has_value()) {
        co_return co_await RefuseWithGoodbye(
            "unauthorized", "agent " + hello.agent_id() + ": enrollment token is not known");
      }
      const TokenRecord& record = **token;
      // An API token (of any role) names a person or a tool, not a customer: it never enrolls.
      if (record.kind != TokenKind::kEnrollment || record.customer.empty()) {
        co_return co_await RefuseWithGoodbye(
            "unauthorized", "agent " + hello.agent_id() + ": token " + record.id +
                                " is not an enrollment token; create one with `token create "
                                "--customer NAME`");
      }
      if (record.revoked_ms) {
        co_return co_await RefuseWithGoodbye(
            "unauthorized",
            "agent " + hello.agent_id() + ": enrollment token " + record.id + " is revoked");
      }
      AgentKey key{record.customer, hello.agent_id()};
      co_return co_await Stream(std::move(key), record.id, hello);
    }

    awaitable<Ending> Stream(AgentKey key, const std::string& token_id, const wire::Hello& hello) {
      const IngestOptions& options = settings_->options;
      Store& store = server_.store_;
      StringPairs labels;
      for (const wire::Label& label : hello.labels())
        labels.emplace_back(label.name(), label.value());
      Result<AgentRecord> agent = store.agents().RecordHello(
          key.customer, key.agent_id, hello.hostname(), hello.agent_version(),
          ToUnixMillis(server_.clock_.Now()), labels);
      if (!agent) {
        LogError("ingest: cannot record agent " + key.agent_id + ": " + agent.error().message);
        co_return co_await EndWithGoodbye("unavailable", "collector store unavailable");
      }
      AgentIdentity identity{hello.hostname(), hello.agent_version(), std::move(labels),
                             agent->batches_applied};
      agent_ = key;
      server_.AgentAccepted(shared_from_this(), key, token_id, std::move(identity));
      LogInfo("ingest: agent " + key.agent_id + " of customer " + key.customer +
              " connected from " + peer_ + "; applied through sequence " +
              std::to_string(agent->last_sequence));

      wire::Envelope answer;
      wire::HelloAck* ack = answer.mutable_hello_ack();
      ack->set_protocol_version(kProtocolVersion);
      ack->set_last_applied_sequence(agent->last_sequence);
      ack->set_max_frame_bytes(static_cast<std::uint32_t>(options.max_frame_bytes));
      ack->set_heartbeat_interval_ms(static_cast<std::uint32_t>(
          std::max<Duration::rep>(1000, options.idle_timeout.count() / 3)));
      ack->set_collector_version(VIGIL_VERSION);
      if (Status sent = co_await Send(answer, options.idle_timeout); !sent) {
        co_return Ended(sent.error().message);
      }

      for (;;) {
        Result<wire::Envelope> envelope =
            co_await ReadEnvelope(stream_, options.max_frame_bytes, options.idle_timeout);
        if (!envelope) co_return FromReadError(envelope.error(), /*after_hello=*/true);
        wire::Envelope reply;
        if (envelope->has_batch()) {
          Result<std::uint64_t> acked = Apply(key, envelope->batch());
          if (!acked) {
            if (acked.error().code == ErrorCode::kProtocolViolation) {
              co_return co_await RefuseWithGoodbye("protocol_violation", acked.error().message);
            }
            co_return co_await EndWithGoodbye("unavailable", acked.error().message);
          }
          reply.mutable_ack()->set_sequence(*acked);
        } else if (envelope->has_ping()) {
          server_.live_.AgentSeen(key, ToUnixMillis(server_.clock_.Now()));
          if (server_.observer_ != nullptr) server_.observer_->Heartbeat(key);
          reply.mutable_pong()->set_nonce(envelope->ping().nonce());
        } else if (envelope->has_goodbye()) {
          if (server_.observer_ != nullptr) server_.observer_->AgentSaidGoodbye(key);
          co_return Ended("agent said goodbye (" + envelope->goodbye().reason() + ")");
        } else {
          co_return co_await RefuseWithGoodbye("protocol_violation",
                                               "unexpected message after Hello");
        }
        if (Status sent = co_await Send(reply, options.idle_timeout); !sent) {
          co_return Ended(sent.error().message);
        }
      }
    }

    // Records the batch durably, then makes it visible; returns the sequence to acknowledge.
    Result<std::uint64_t> Apply(const AgentKey& key, const wire::Batch& batch) {
      if (batch.sequence() == 0) {
        return MakeError(ErrorCode::kProtocolViolation, "batch without a sequence number");
      }
      if (batch.sequence() > kMaxSequence) {
        return MakeError(ErrorCode::kProtocolViolation,
                         "batch sequence " + std::to_string(batch.sequence()) +
                             " is beyond 2^63-1, the largest recorded");
      }
      const std::int64_t now_ms = ToUnixMillis(server_.clock_.Now());
      Result<BatchOutcome> outcome =
          server_.store_.agents().RecordBatch(key.customer, key.agent_id, batch.sequence(), now_ms);
      if (!outcome) {
        LogError("ingest: cannot record batch of agent " + key.agent_id + ": " +
                 outcome.error().message);
        return MakeError(ErrorCode::kUnavailable, "collector store unavailable");
      }
      IngestMetrics& metrics = server_.metrics_;
      if (*outcome == BatchOutcome::kDuplicate) {
        metrics.batches_duplicate.Increment();
        return batch.sequence();
      }
      ApplyReport report = server_.live_.ApplyBatch(key, batch, now_ms);
      if (server_.observer_ != nullptr) {
        if (report.sources_refused.empty()) {
          server_.observer_->BatchApplied(key, batch);
        } else {
          server_.observer_->BatchApplied(key, WithoutSources(batch, report.sources_refused));
        }
      }
      metrics.samples_applied.Increment(static_cast<double>(report.series_applied));
      metrics.events_received.Increment(static_cast<double>(batch.events_size()));
      for (const auto& [reason, count] : report.series_rejected) {
        metrics.CountRejectedSeries(reason, count);
        if (warned_reasons_.insert(reason).second) {
          LogWarning("ingest: agent " + key.agent_id + " sent series that were left out (" +
                     reason + "); see vigil_collector_series_rejected_total");
        }
      }
      return batch.sequence();
    }

    awaitable<Status> Send(const wire::Envelope& envelope, Duration timeout) {
      Result<std::string> frame = EncodeFrame(envelope, settings_->options.max_frame_bytes);
      if (!frame) co_return frame.error();
      co_return co_await WriteFrame(stream_, *frame, timeout);
    }

    // Tells the peer why before closing; best effort, bounded by kGoodbyeTimeout.
    awaitable<Ending> RefuseWithGoodbye(std::string reason, std::string message) {
      co_await SayGoodbye(reason, message);
      co_return Refuse(std::move(reason), std::move(message));
    }
    awaitable<Ending> EndWithGoodbye(std::string reason, std::string message) {
      co_await SayGoodbye(reason, message);
      co_return Ended(reason + ": " + message);
    }
    awaitable<void> SayGoodbye(const std::string& reason, const std::string& message) {
      wire::Envelope goodbye;
      goodbye.mutable_goodbye()->set_reason(reason);
      goodbye.mutable_goodbye()->set_message(message);
      (void)co_await Send(goodbye, kGoodbyeTimeout);
    }

    std::string peer_;
    TlsStream stream_;
    std::shared_ptr<const Settings> settings_;
    Impl& server_;
    std::optional<AgentKey> agent_;
    std::string close_reason_;   // set by Close(), read on the strand
    std::string close_refusal_;  // likewise
    std::set<std::string> warned_reasons_;
  };

  Impl(asio::io_context& io, std::shared_ptr<const Settings> settings, Store& store,
       LiveState& live, IngestMetrics& metrics, const Clock& clock, IngestObserver* observer)
      : io_(io),
        strand_(asio::make_strand(io)),
        acceptor_(strand_),
        connection_rate_(settings->options.connection_rate_per_ip,
                         settings->options.connection_burst_per_ip, kMaxRateLimitedAddresses),
        settings_(std::move(settings)),
        store_(store),
        live_(live),
        metrics_(metrics),
        clock_(clock),
        observer_(observer) {}

  Status Bind(const std::string& listen) {
    if (Status opened = OpenListener(acceptor_, listen); !opened) return opened;
    port_ = acceptor_.local_endpoint().port();
    return OkStatus();
  }

  void Start() {
    asio::co_spawn(strand_, AcceptLoop(shared_from_this()), asio::detached);
    asio::co_spawn(strand_, RevocationLoop(shared_from_this()), asio::detached);
  }

  void Stop() {
    asio::post(strand_, [self = shared_from_this()] {
      self->stopping_ = true;
      boost::system::error_code ignored;
      self->acceptor_.close(ignored);
      self->revocation_timer_.cancel();
    });
    std::lock_guard lock(mutex_);
    for (auto& [raw, weak] : sessions_) {
      if (auto session = weak.lock()) session->Close("collector is shutting down");
    }
  }

  void Reconfigure(std::shared_ptr<const Settings> settings) {
    asio::post(strand_, [self = shared_from_this(), options = settings->options] {
      self->connection_rate_ =
          KeyedRateLimiter(options.connection_rate_per_ip, options.connection_burst_per_ip,
                           kMaxRateLimitedAddresses);
    });
    std::lock_guard lock(mutex_);
    settings_ = std::move(settings);
  }

  std::uint16_t port() const { return port_; }

  bool Drained() const {
    std::lock_guard lock(mutex_);
    return sessions_.empty();
  }

 private:
  static awaitable<void> AcceptLoop(std::shared_ptr<Impl> self) {
    for (;;) {
      std::optional<tcp::socket> accepted =
          co_await AcceptOrPause(self->acceptor_, self->io_, "ingest");
      if (self->stopping_) break;
      if (!accepted) continue;
      tcp::socket socket = std::move(*accepted);
      self->Admit(std::move(socket));
    }
  }

  // Cuts every live stream whose enrollment token has been revoked since it connected (token
  // administration runs in another process, so the store is asked).
  static awaitable<void> RevocationLoop(std::shared_ptr<Impl> self) {
    while (!self->stopping_) {
      Duration interval;
      {
        std::lock_guard lock(self->mutex_);
        interval = self->settings_->options.revocation_check_interval;
      }
      self->revocation_timer_.expires_after(interval);
      boost::system::error_code ec;
      co_await self->revocation_timer_.async_wait(asio::redirect_error(use_awaitable, ec));
      if (self->stopping_) break;
      self->CutRevoked();
    }
  }

  void CutRevoked() {
    Result<std::vector<TokenRecord>> tokens = store_.tokens().ListTokens();
    if (!tokens) {
      LogError("ingest: cannot check for revoked tokens: " + tokens.error().message);
      return;
    }
    std::set<std::string> revoked;
    for (const TokenRecord& token : *tokens) {
      if (token.revoked_ms) revoked.insert(token.id);
    }
    std::lock_guard lock(mutex_);
    for (auto& [key, agent] : agents_) {
      if (revoked.count(agent.token_id) == 0) continue;
      if (auto session = agent.session.lock()) {
        session->Close("enrollment token " + agent.token_id + " was revoked", "unauthorized");
      }
    }
  }

  // On strand_.
  void Admit(tcp::socket socket) {
    if (!connection_rate_.Take(PeerAddress(socket), clock_.Monotonic())) {
      RefuseBeforeTls(socket, "rate_limited", "too many new connections from this address");
      return;
    }
    std::shared_ptr<const Settings> settings;
    std::shared_ptr<Session> session;
    {
      std::lock_guard lock(mutex_);
      settings = settings_;
      if (sessions_.size() >= settings->options.max_connections) {
        RefuseBeforeTls(
            socket, "connection_limit",
            std::to_string(settings->options.max_connections) + " connections are open");
        return;
      }
      if (unauthenticated_ >= settings->options.max_unauthenticated_connections) {
        RefuseBeforeTls(
            socket, "unauthenticated_limit",
            std::to_string(unauthenticated_) + " connections have not said an accepted Hello yet");
        return;
      }
      ++unauthenticated_;
      const auto executor = socket.get_executor();
      session = std::make_shared<Session>(std::move(socket), settings, *this);
      sessions_.emplace(session.get(), session);
      asio::co_spawn(executor, Session::Run(session), asio::detached);
    }
  }

  void RefuseBeforeTls(tcp::socket& socket, const std::string& reason, const std::string& why) {
    const std::string peer = DescribeEndpoint(socket);
    boost::system::error_code ignored;
    socket.close(ignored);
    metrics_.CountRefused(reason);
    LogRefusal("ingest: refused " + peer + ": " + reason + ": " + why);
  }

  // Thread-safe.
  void LogRefusal(const std::string& line) {
    std::lock_guard lock(log_mutex_);
    if (!refusal_log_.Take(clock_.Monotonic())) {
      ++refusals_not_logged_;
      return;
    }
    if (refusals_not_logged_ > 0) {
      LogWarning(line + " (and " + std::to_string(refusals_not_logged_) +
                 " more refusals not logged)");
      refusals_not_logged_ = 0;
    } else {
      LogWarning(line);
    }
  }

  void AgentAccepted(const std::shared_ptr<Session>& session, const AgentKey& key,
                     const std::string& token_id, AgentIdentity identity) {
    std::shared_ptr<Session> previous;
    {
      std::lock_guard lock(mutex_);
      --unauthenticated_;
      auto [it, inserted] = agents_.try_emplace(key, LiveAgent{session, token_id});
      if (!inserted) {
        previous = it->second.session.lock();
        it->second = LiveAgent{session, token_id};
      }
    }
    if (previous) {
      LogInfo("ingest: agent " + key.agent_id + " connected again from " + session->peer() +
              "; closing its older connection from " + previous->peer());
      previous->Close("replaced by a newer connection of the same agent");
    } else {
      metrics_.agents_connected.Increment();
    }
    metrics_.connections_accepted.Increment();
    if (observer_ != nullptr) observer_->AgentConnected(key, identity);
    live_.AgentConnected(key, std::move(identity), ToUnixMillis(clock_.Now()));
  }

  void SessionEnded(Session& session, const Ending& ending) {
    bool was_current_agent = false;
    {
      std::lock_guard lock(mutex_);
      sessions_.erase(&session);
      if (!session.agent()) --unauthenticated_;
      if (session.agent()) {
        auto it = agents_.find(*session.agent());
        if (it != agents_.end() && it->second.session.lock().get() == &session) {
          agents_.erase(it);
          was_current_agent = true;
        }
      }
    }
    if (was_current_agent) {
      metrics_.agents_connected.Decrement();
      live_.AgentDisconnected(*session.agent(), ToUnixMillis(clock_.Now()));
    }
    const std::string who = session.agent()
                                ? "agent " + session.agent()->agent_id + " at " + session.peer()
                                : session.peer();
    if (!ending.refusal.empty()) {
      metrics_.CountRefused(ending.refusal);
      LogRefusal("ingest: refused " + who + ": " + ending.refusal + ": " + ending.message);
    } else {
      LogInfo("ingest: " + who + " disconnected: " + ending.message);
    }
  }

  asio::io_context& io_;
  asio::strand<asio::io_context::executor_type> strand_;  // the acceptor's
  tcp::acceptor acceptor_;
  bool stopping_ = false;  // on strand_
  std::uint16_t port_ = 0;
  KeyedRateLimiter connection_rate_;  // on strand_

  std::mutex log_mutex_;
  TokenBucket refusal_log_{kRefusalLogRate, kRefusalLogBurst};  // guarded by log_mutex_
  std::uint64_t refusals_not_logged_ = 0;                       // guarded by log_mutex_

  mutable std::mutex mutex_;
  std::shared_ptr<const Settings> settings_;                       // guarded by mutex_
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;  // guarded by mutex_
  std::size_t unauthenticated_ = 0;  // of sessions_, those without an agent yet; guarded by mutex_
  struct LiveAgent {
    std::weak_ptr<Session> session;
    std::string token_id;
  };
  std::map<AgentKey, LiveAgent> agents_;          // guarded by mutex_
  asio::steady_timer revocation_timer_{strand_};  // on strand_

  Store& store_;
  LiveState& live_;
  IngestMetrics& metrics_;
  const Clock& clock_;
  IngestObserver* observer_;  // may be null
};

Result<std::unique_ptr<IngestServer>> IngestServer::Create(
    asio::io_context& io, const std::string& listen, std::shared_ptr<asio::ssl::context> tls,
    IngestOptions options, Store& store, LiveState& live, IngestMetrics& metrics,
    const Clock& clock, IngestObserver* observer) {
  auto settings = std::make_shared<const Impl::Settings>(Impl::Settings{options, std::move(tls)});
  auto impl =
      std::make_shared<Impl>(io, std::move(settings), store, live, metrics, clock, observer);
  if (Status bound = impl->Bind(listen); !bound) return bound.error();
  return std::unique_ptr<IngestServer>(new IngestServer(std::move(impl)));
}

IngestServer::IngestServer(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
IngestServer::~IngestServer() = default;
void IngestServer::Start() { impl_->Start(); }
void IngestServer::Stop() { impl_->Stop(); }
void IngestServer::Reconfigure(IngestOptions options, std::shared_ptr<asio::ssl::context> tls) {
  impl_->Reconfigure(
      std::make_shared<const Impl::Settings>(Impl::Settings{options, std::move(tls)}));
}
std::uint16_t IngestServer::port() const { return impl_->port(); }
bool IngestServer::Drained() const { return impl_->Drained(); }

}  // namespace vigil::collector
