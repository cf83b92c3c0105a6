#include "agent/uplink.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "agent/rhythm.h"
#include "agent/spool.h"
#include "common/async_event.h"
#include "common/frame_io.h"
#include "common/host_port.h"
#include "common/log.h"

namespace vigil::agent {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;

namespace {

constexpr Duration kDefaultHeartbeat = std::chrono::seconds(30);
constexpr Duration kMinHeartbeat = std::chrono::seconds(1);

}  // namespace

class Uplink::Impl : public std::enable_shared_from_this<Uplink::Impl> {
 public:
  Impl(asio::any_io_executor executor, Spool& spool, UniformRandom random, const Clock& clock)
      : executor_(std::move(executor)),
        spool_(spool),
        random_(std::move(random)),
        clock_(clock),
        backoff_({}, random_),
        retry_wait_(executor_),
        drain_timer_(executor_) {}

  void Configure(UplinkOptions options, std::shared_ptr<asio::ssl::context> tls) {
    const bool changed = !settings_ || !(settings_->options == options);
    backoff_ = Backoff(options.reconnect, random_);
    settings_ = std::make_shared<Settings>(Settings{std::move(options), std::move(tls)});
    if (started_ && changed) {
      LogInfo("collector settings changed: reconnecting");
      CloseConnection();
      retry_wait_.Notify();
    }
  }

  void Start() {
    started_ = true;
    asio::co_spawn(executor_, RunLoop(shared_from_this()), asio::detached);
  }

  void Wake() {
    if (connection_) connection_->wake.Notify();
  }

  void Drain(Duration timeout, std::function<void()> done) {
    stopping_ = true;
    on_stopped_ = std::move(done);
    if (!started_ || finished_) {
      asio::post(executor_, [this, self = shared_from_this()] { Finish(); });
      return;
    }
    retry_wait_.Notify();
    if (connection_) {
      connection_->wake.Notify();
      drain_timer_.expires_after(timeout);
      drain_timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
        if (ec) return;
        if (self->connection_) {
          LogWarning("collector did not acknowledge everything before the drain timeout; " +
                     std::to_string(self->spool_.stats().pending_batches) +
                     " batch(es) stay spooled for the next start");
        }
        self->CloseConnection();
      });
    }
  }

  const UplinkStats& stats() const { return stats_; }

 private:
  struct Settings {
    UplinkOptions options;
    std::shared_ptr<asio::ssl::context> tls;
  };

  // One live connection; shared by the writer (RunConnection) and the reader coroutine.
  struct Connection {
    explicit Connection(asio::any_io_executor executor, asio::ssl::context& tls)
        : stream(executor, tls), wake(executor) {}
    TlsStream stream;
    AsyncEvent wake;  // new batch, ack, failure or drain
    std::optional<Error> failure;
    bool reader_finished = false;
    std::uint64_t last_sent = 0;
    std::uint64_t last_acked = 0;
    Duration heartbeat = kDefaultHeartbeat;
    Heartbeat beat{kDefaultHeartbeat};  // when the next Ping is due
    std::size_t max_frame_bytes = 0;

    void Fail(Error error) {
      if (!failure) failure = std::move(error);
      boost::system::error_code ignored;
      boost::beast::get_lowest_layer(stream).socket().close(ignored);
      wake.Notify();
    }
  };

  void CloseConnection() {
    if (connection_)
      connection_->Fail(MakeError(ErrorCode::kClosed, "connection closed by the agent"));
  }

  void Finish() {
    finished_ = true;
    drain_timer_.cancel();
    if (on_stopped_) {
      auto done = std::move(on_stopped_);
      on_stopped_ = nullptr;
      done();
    }
  }

  static awaitable<void> RunLoop(std::shared_ptr<Impl> self) {
    std::string last_failure;  // empty while connections succeed
    while (!self->stopping_) {
      Status ended = co_await self->ConnectAndStream();
      self->stats_.connected = false;
      self->connection_.reset();
      if (self->stopping_) break;
      if (!ended) {
        // A failure is a warning when it differs from the previous one; the same failure again
        // is debug, so a collector that is down for a day does not flood the journal, while a
        // new problem (say, the token was revoked) is seen.
        const std::string text = "collector connection: " + ended.error().message;
        if (text != last_failure) {
          LogWarning(text);
        } else {
          LogDebug(text);
        }
        last_failure = text;
      } else {
        last_failure.clear();
      }
      const Duration delay = self->backoff_.Next();
      LogDebug("reconnecting in " + FormatDuration(delay));
      co_await self->retry_wait_.Wait(delay);
    }
    self->Finish();
  }

  awaitable<Status> ConnectAndStream() {
    const std::shared_ptr<Settings> settings = settings_;
    const UplinkOptions& options = settings->options;
    if (options.addresses.empty())
      co_return MakeError(ErrorCode::kInvalidArgument, "no collector address");
    const std::string address = options.addresses[next_address_ % options.addresses.size()];
    ++next_address_;  // a failure moves on to the next address; success resets below
    Result<HostPort> target = ParseHostPort(address);
    if (!target) co_return target.error();

    boost::system::error_code ec;
    asio::ip::tcp::resolver resolver(executor_);
    auto endpoints = co_await resolver.async_resolve(target->host, std::to_string(target->port),
                                                     asio::redirect_error(use_awaitable, ec));
    if (ec)
      co_return MakeError(ErrorCode::kIoError, "cannot resolve " + address + ": " + ec.message());
    if (stopping_) co_return OkStatus();

    auto connection = std::make_shared<Connection>(executor_, *settings->tls);
    connection_ = connection;
    TlsStream& stream = connection->stream;
    ExpectServerName(stream, options.server_name);

    boost::beast::get_lowest_layer(stream).expires_after(options.timeout);
    co_await boost::beast::get_lowest_layer(stream).async_connect(
        endpoints, asio::redirect_error(use_awaitable, ec));
    if (ec) co_return IoError(ec, "connecting to " + address);
    boost::beast::get_lowest_layer(stream).expires_after(options.timeout);
    co_await stream.async_handshake(asio::ssl::stream_base::client,
                                    asio::redirect_error(use_awaitable, ec));
    if (ec) co_return IoError(ec, "TLS handshake with " + address);

    Result<wire::HelloAck> accepted = co_await SayHello(*connection, options);
    if (!accepted) co_return accepted.error();
    if (Status ready = PrepareSpool(*connection, *accepted); !ready) co_return ready.error();

    --next_address_;  // stay on the address that works
    backoff_.Reset();
    stats_.connected = true;
    ++stats_.connections;
    LogInfo("connected to collector " + address + "; it has applied through sequence " +
            std::to_string(accepted->last_applied_sequence()) + ", " +
            std::to_string(spool_.stats().pending_batches) + " batch(es) to send");

    asio::co_spawn(executor_, ReadLoop(shared_from_this(), connection), asio::detached);
    Status result = co_await WriteLoop(*connection);
    if (result) co_await SayGoodbye(*connection, options.timeout);
    connection->Fail(result ? MakeError(ErrorCode::kClosed, "drained") : result.error());
    while (!connection->reader_finished) co_await connection->wake.Wait(options.timeout);
    co_return result;
  }

  awaitable<Result<wire::HelloAck>> SayHello(Connection& connection, const UplinkOptions& options) {
    wire::Envelope envelope;
    wire::Hello* hello = envelope.mutable_hello();
    hello->set_protocol_version(kProtocolVersion);
    hello->set_agent_id(options.agent_id);
    hello->set_token(options.token);
    hello->set_agent_version(VIGIL_VERSION);
    hello->set_hostname(options.hostname);
    hello->set_next_sequence(spool_.NextSequence());
    for (const auto& [name, value] : options.labels) {
      wire::Label* label = hello->add_labels();
      label->set_name(name);
      label->set_value(value);
    }
    Result<std::string> frame = EncodeFrame(envelope, options.max_frame_bytes);
    if (!frame) co_return frame.error();
    if (Status sent = co_await WriteFrame(connection.stream, *frame, options.timeout); !sent) {
      co_return sent.error();
    }
    Result<wire::Envelope> answer =
        co_await ReadEnvelope(connection.stream, options.max_frame_bytes, options.timeout);
    if (!answer) co_return answer.error();
    if (answer->has_goodbye()) {
      co_return MakeError(ErrorCode::kRefused, "collector refused the agent (" +
                                                   answer->goodbye().reason() +
                                                   "): " + answer->goodbye().message());
    }
    if (!answer->has_hello_ack()) {
      co_return MakeError(ErrorCode::kProtocolViolation,
                          "collector answered Hello with an unexpected message");
    }
    const wire::HelloAck& ack = answer->hello_ack();
    if (ack.protocol_version() != kProtocolVersion) {
      co_return MakeError(
          ErrorCode::kProtocolViolation,
          "collector speaks protocol version " + std::to_string(ack.protocol_version()));
    }
    connection.heartbeat = ack.heartbeat_interval_ms() == 0
                               ? kDefaultHeartbeat
                               : std::max(kMinHeartbeat, Duration(ack.heartbeat_interval_ms()));
    connection.beat.SetInterval(connection.heartbeat);
    connection.max_frame_bytes =
        ack.max_frame_bytes() == 0
            ? options.max_frame_bytes
            : std::min<std::size_t>(options.max_frame_bytes, ack.max_frame_bytes());
    co_return ack;
  }

  Status PrepareSpool(Connection& connection, const wire::HelloAck& ack) {
    std::uint64_t applied = ack.last_applied_sequence();
    if (applied >= spool_.NextSequence()) {
      // The collector has applied more than this spool ever produced: the spool was lost or the
      // id reused. Renumber what is pending so it is not mistaken for duplicates.
      LogWarning("collector has applied through sequence " + std::to_string(applied) +
                 " but this spool's next is " + std::to_string(spool_.NextSequence()) +
                 "; renumbering " + std::to_string(spool_.stats().pending_batches) +
                 " pending batch(es) after it");
      if (Status renumbered = spool_.Renumber(applied + 1); !renumbered) return renumbered;
    } else if (applied > 0) {
      const std::uint64_t before = spool_.stats().pending_batches;
      if (Status acked = spool_.AcknowledgeThrough(applied); !acked) return acked;
      stats_.batches_acked += before - spool_.stats().pending_batches;
    }
    connection.last_sent = applied;
    connection.last_acked = applied;
    connection.beat.Wrote(clock_.Monotonic());
    return OkStatus();
  }

  awaitable<Status> WriteLoop(Connection& connection) {
    const Duration timeout = settings_->options.timeout;
    const std::size_t max_in_flight = settings_->options.max_in_flight;
    for (;;) {
      if (connection.failure) co_return *connection.failure;
      if (stopping_ && spool_.stats().pending_batches == 0) co_return OkStatus();
      const std::size_t in_flight = connection.last_sent - connection.last_acked;
      if (in_flight < max_in_flight) {
        Result<std::vector<SpooledBatch>> batches =
            spool_.ReadAfter(connection.last_sent, max_in_flight - in_flight);
        if (!batches) co_return batches.error();
        if (!batches->empty()) {
          for (SpooledBatch& batch : *batches) {
            if (Status sent = co_await SendBatch(connection, batch, timeout); !sent) {
              co_return sent.error();
            }
          }
          continue;
        }
      }
      const std::optional<Duration> quiet = connection.beat.Wait(clock_.Monotonic());
      if (!quiet) {
        wire::Envelope ping;
        ping.mutable_ping()->set_nonce(++ping_nonce_);
        if (Status sent = co_await Send(connection, ping, timeout); !sent) co_return sent.error();
        continue;
      }
      co_await connection.wake.Wait(*quiet);
    }
  }

  awaitable<Status> SendBatch(Connection& connection, SpooledBatch& batch, Duration timeout) {
    // The spool's sequence is authoritative (it differs from the payload's after Renumber).
    Result<std::string> frame =
        EncodeBatchFrame(batch.payload, batch.sequence, connection.max_frame_bytes);
    if (!frame) {
      LogError("batch " + std::to_string(batch.sequence) +
               " can never be delivered and is discarded: " + frame.error().message);
      if (Status discarded = spool_.Discard(batch.sequence); !discarded) co_return discarded;
      co_return OkStatus();
    }
    if (Status sent = co_await WriteFrame(connection.stream, *frame, timeout); !sent) {
      co_return sent.error();
    }
    connection.last_sent = batch.sequence;
    connection.beat.Wrote(clock_.Monotonic());
    co_return OkStatus();
  }

  awaitable<Status> Send(Connection& connection, const wire::Envelope& envelope, Duration timeout) {
    Result<std::string> frame = EncodeFrame(envelope, connection.max_frame_bytes);
    if (!frame) co_return frame.error();
    Status sent = co_await WriteFrame(connection.stream, *frame, timeout);
    connection.beat.Wrote(clock_.Monotonic());
    co_return sent;
  }

  // Goodbye marks the end of the stream for the collector, so the TLS close_notify exchange
  // (which would race the pending read) is skipped.
  awaitable<void> SayGoodbye(Connection& connection, Duration timeout) {
    wire::Envelope goodbye;
    goodbye.mutable_goodbye()->set_reason("shutdown");
    goodbye.mutable_goodbye()->set_message("agent is stopping");
    (void)co_await Send(connection, goodbye, timeout);
  }

  static awaitable<void> ReadLoop(std::shared_ptr<Impl> self,
                                  std::shared_ptr<Connection> connection) {
    for (;;) {
      const Duration read_timeout = 2 * connection->heartbeat + self->settings_->options.timeout;
      Result<wire::Envelope> envelope =
          co_await ReadEnvelope(connection->stream, connection->max_frame_bytes, read_timeout);
      if (!envelope) {
        connection->Fail(envelope.error());
        break;
      }
      if (envelope->has_ack()) {
        if (Status handled = self->HandleAck(*connection, envelope->ack().sequence()); !handled) {
          connection->Fail(handled.error());
          break;
        }
      } else if (envelope->has_goodbye()) {
        connection->Fail(MakeError(ErrorCode::kClosed, "collector closed the stream (" +
                                                           envelope->goodbye().reason() +
                                                           "): " + envelope->goodbye().message()));
        break;
      } else if (!envelope->has_pong()) {
        connection->Fail(
            MakeError(ErrorCode::kProtocolViolation, "unexpected message from the collector"));
        break;
      }
    }
    connection->reader_finished = true;
    connection->wake.Notify();
  }

  Status HandleAck(Connection& connection, std::uint64_t sequence) {
    if (sequence > connection.last_sent) {
      return MakeError(
          ErrorCode::kProtocolViolation,
          "collector acknowledged sequence " + std::to_string(sequence) + ", which was never sent");
    }
    if (sequence <= connection.last_acked) return OkStatus();
    const std::uint64_t before = spool_.stats().pending_batches;
    if (Status acked = spool_.AcknowledgeThrough(sequence); !acked) return acked;
    stats_.batches_acked += before - spool_.stats().pending_batches;
    connection.last_acked = sequence;
    connection.wake.Notify();
    return OkStatus();
  }

  asio::any_io_executor executor_;
  Spool& spool_;
  UniformRandom random_;
  const Clock& clock_;
  Backoff backoff_;
  AsyncEvent retry_wait_;
  asio::steady_timer drain_timer_;
  std::shared_ptr<Settings> settings_;
  std::shared_ptr<Connection> connection_;
  std::size_t next_address_ = 0;
  std::uint64_t ping_nonce_ = 0;
  bool started_ = false;
  bool stopping_ = false;
  bool finished_ = false;
  std::function<void()> on_stopped_;
  UplinkStats stats_;
};

Uplink::Uplink(asio::any_io_executor executor, Spool& spool, UniformRandom random,
               const Clock& clock)
    : impl_(std::make_shared<Impl>(std::move(executor), spool, std::move(random), clock)) {}

Uplink::~Uplink() = default;

void Uplink::Configure(UplinkOptions options, std::shared_ptr<asio::ssl::context> tls) {
  impl_->Configure(std::move(options), std::move(tls));
}
void Uplink::Start() { impl_->Start(); }
void Uplink::Wake() { impl_->Wake(); }
void Uplink::Drain(Duration timeout, std::function<void()> done) {
  impl_->Drain(timeout, std::move(done));
}
const UplinkStats& Uplink::stats() const { return impl_->stats(); }

}  // namespace vigil::agent
