#include "collector/http/http_server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <cstdlib>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <span>
#include <unordered_map>

#include "collector/http/gzip_stream.h"
#include "collector/http/http_request_reader.h"
#include "collector/http/listener.h"
#include "common/host_port.h"
#include "common/log.h"

namespace vigil::collector {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::awaitable;
using asio::use_awaitable;
using asio::ip::tcp;

int HttpStatusOf(ErrorCode code) {
  switch (code) {
    case ErrorCode::kBadRequest:
    case ErrorCode::kInvalidTime: return 400;
    case ErrorCode::kUnauthenticated: return 401;
    case ErrorCode::kForbidden: return 403;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kMethodNotAllowed: return 405;
    case ErrorCode::kRequestTimeout: return 408;
    case ErrorCode::kConflict: return 409;
    case ErrorCode::kPayloadTooLarge: return 413;
    case ErrorCode::kUnsupportedMediaType: return 415;
    case ErrorCode::kTooManyRequests: return 429;
    case ErrorCode::kRequestHeaderFieldsTooLarge: return 431;
    case ErrorCode::kUnavailable: return 503;
    default: return 500;
  }
}

HttpResponse ErrorResponse(const Error& error) {
  const int status = HttpStatusOf(error.code);
  ErrorCode code = error.code;
  std::string message = error.message;
  if (status == 500) {
    LogError("http: " + error.message);
    code = ErrorCode::kInternal;
    message = "internal error; the collector's log says more";
  }
  nlohmann::json body = {{"error", {{"code", ErrorCodeName(code)}, {"message", message}}}};
  return {status, "application/json", body.dump() + "\n"};
}

bool AcceptsGzip(const std::string& accept_encoding) {
  std::size_t start = 0;
  while (start <= accept_encoding.size()) {
    std::size_t end = accept_encoding.find(',', start);
    if (end == std::string::npos) end = accept_encoding.size();
    std::string item = accept_encoding.substr(start, end - start);
    for (char& c : item) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string coding = item.substr(0, item.find(';'));
    coding.erase(0, coding.find_first_not_of(" \t"));
    coding.erase(coding.find_last_not_of(" \t") + 1);
    if (coding == "gzip" || coding == "*") {
      const std::size_t q = item.find("q=");
      if (q == std::string::npos) return true;
      return std::strtod(item.c_str() + q + 2, nullptr) > 0;
    }
    start = end + 1;
  }
  return false;
}

class HttpServer::Impl : public std::enable_shared_from_this<HttpServer::Impl> {
 public:
  Impl(asio::io_context& io, HttpLimits limits, HttpHandler handler,
       std::shared_ptr<asio::ssl::context> tls, std::vector<std::string> probe_paths)
      : io_(io),
        strand_(asio::make_strand(io)),
        acceptor_(strand_),
        limits_(limits),
        tls_(std::move(tls)),
        handler_(std::move(handler)),
        probe_paths_(probe_paths.begin(), probe_paths.end()) {}

  Status Bind(const std::string& listen) {
    if (Status opened = OpenListener(acceptor_, listen); !opened) return opened;
    port_ = acceptor_.local_endpoint().port();
    return OkStatus();
  }

  void Start() { asio::co_spawn(strand_, AcceptLoop(shared_from_this()), asio::detached); }

  void Stop() {
    asio::post(strand_, [self = shared_from_this()] {
      self->stopping_ = true;
      boost::system::error_code ignored;
      self->acceptor_.close(ignored);
    });
    std::lock_guard lock(mutex_);
    for (auto& [raw, slot] : connections_) CloseSoon(slot->stream.lock());
  }

  void SetLimits(HttpLimits limits) {
    std::lock_guard lock(mutex_);
    limits_ = limits;
  }

  void SetTls(std::shared_ptr<asio::ssl::context> tls) {
    std::lock_guard lock(mutex_);
    if (tls_) tls_ = std::move(tls);
  }

  std::uint16_t port() const { return port_; }

  bool Drained() const {
    std::lock_guard lock(mutex_);
    return connections_.empty();
  }

 private:
  using TlsStream = beast::ssl_stream<beast::tcp_stream>;
  using SteadyTime = std::chrono::steady_clock::time_point;

  enum class Admission { kRegular, kProbeOnly, kRefused };

  // An accepted connection as the table sees it. Fields guarded by mutex_.
  struct Slot {
    std::weak_ptr<beast::tcp_stream> stream;  // its TCP layer, to close it from any thread
    bool probe_only = false;
    bool idle = false;  // waiting for the first byte of a request
    SteadyTime idle_since;
  };

  static void CloseSoon(const std::shared_ptr<beast::tcp_stream>& stream) {
    if (stream) asio::post(stream->get_executor(), [stream] { stream->close(); });
  }

  static awaitable<void> AcceptLoop(std::shared_ptr<Impl> self) {
    for (;;) {
      std::optional<tcp::socket> accepted =
          co_await AcceptOrPause(self->acceptor_, self->io_, "http");
      if (self->stopping_) break;
      if (!accepted) continue;
      tcp::socket socket = std::move(*accepted);
      boost::system::error_code remote_ec;
      const tcp::endpoint remote = socket.remote_endpoint(remote_ec);
      std::string address = remote_ec ? std::string() : remote.address().to_string();
      auto stream = std::make_shared<beast::tcp_stream>(std::move(socket));
      auto slot = std::make_shared<Slot>();
      slot->stream = stream;
      HttpLimits limits;
      std::shared_ptr<asio::ssl::context> tls;
      Admission admission;
      std::shared_ptr<beast::tcp_stream> evicted;
      {
        std::lock_guard lock(self->mutex_);
        limits = self->limits_;
        tls = self->tls_;
        admission = self->Admit(slot, limits, evicted);
      }
      CloseSoon(evicted);
      asio::co_spawn(stream->get_executor(),
                     Serve(self, stream, std::move(slot), std::move(tls), limits, admission,
                           std::move(address)),
                     asio::detached);
    }
  }

  // Under mutex_. A free slot; else the slot of the connection idle longest (`evicted` is to be
  // closed); else one of the probe reserve; else none.
  Admission Admit(const std::shared_ptr<Slot>& slot, const HttpLimits& limits,
                  std::shared_ptr<beast::tcp_stream>& evicted) {
    if (connections_.size() - probe_only_ < limits.max_connections) {
      connections_.emplace(slot.get(), slot);
      return Admission::kRegular;
    }
    Slot* oldest = nullptr;
    for (const auto& [raw, other] : connections_) {
      if (other->probe_only || !other->idle) continue;
      if (oldest == nullptr || other->idle_since < oldest->idle_since) oldest = raw;
    }
    if (oldest != nullptr) {
      evicted = oldest->stream.lock();
      connections_.erase(oldest);
      connections_.emplace(slot.get(), slot);
      return Admission::kRegular;
    }
    if (probe_only_ < limits.probe_connections) {
      slot->probe_only = true;
      ++probe_only_;
      connections_.emplace(slot.get(), slot);
      return Admission::kProbeOnly;
    }
    return Admission::kRefused;
  }

  void Forget(const std::shared_ptr<Slot>& slot) {
    std::lock_guard lock(mutex_);
    if (connections_.erase(slot.get()) > 0 && slot->probe_only) --probe_only_;
  }

  void MarkIdle(Slot& slot, bool idle) {
    std::lock_guard lock(mutex_);
    if (slot.idle == idle) return;
    slot.idle = idle;
    if (idle) slot.idle_since = std::chrono::steady_clock::now();
  }

  static awaitable<void> Serve(std::shared_ptr<Impl> self,
                               std::shared_ptr<beast::tcp_stream> stream,
                               std::shared_ptr<Slot> slot, std::shared_ptr<asio::ssl::context> tls,
                               HttpLimits limits, Admission admission, std::string address) {
    if (admission != Admission::kRegular) limits = ProbeLimits(limits);
    if (tls) {
      auto secure = std::make_shared<TlsStream>(std::move(*stream), *tls);
      // The slot must point at the stream that now owns the socket (and keep the whole TLS stream
      // alive while Stop() closes it).
      auto inner = std::shared_ptr<beast::tcp_stream>(secure, &beast::get_lowest_layer(*secure));
      {
        std::lock_guard lock(self->mutex_);
        slot->stream = inner;
      }
      boost::system::error_code ec;
      inner->expires_after(limits.timeout);
      co_await secure->async_handshake(asio::ssl::stream_base::server,
                                       asio::redirect_error(use_awaitable, ec));
      if (!ec) {
        co_await ServeRequests(*self, *secure, inner, *slot, admission, limits, address);
        inner->expires_after(std::chrono::seconds(1));
        co_await secure->async_shutdown(asio::redirect_error(use_awaitable, ec));
      }
      inner->close();
    } else {
      co_await ServeRequests(*self, *stream, stream, *slot, admission, limits, address);
      Close(*stream);
    }
    self->Forget(slot);
  }

  static void Close(beast::tcp_stream& stream) {
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream.close();
  }

  static HttpResponse TooManyConnections() {
    return ErrorResponse(
        MakeError(ErrorCode::kUnavailable, "the server has too many open connections"));
  }

  // What a connection of the probe reserve (or one refused) may send: one small request, quickly.
  static HttpLimits ProbeLimits(const HttpLimits& limits) {
    HttpLimits probe = limits;
    probe.max_header_bytes = std::min<std::size_t>(limits.max_header_bytes, 4096);
    probe.max_body_bytes = 0;
    probe.timeout = std::min<Duration>(limits.timeout, kProbeTimeout);
    return probe;
  }

  // How an answer is written.
  struct Delivery {
    unsigned version = 11;
    bool keep_alive = false;
    bool head = false;  // the header only
    bool gzip = false;  // pieces compressed (RespondInPieces)
    Duration timeout;
  };
  // The last answer on a connection that is then closed.
  static Delivery Closing(Duration timeout) { return {11, false, false, false, timeout}; }

  enum class ReadOutcome { kRequest, kRefused, kTimedOut, kEnded };

  // `lowest` is the TCP layer of `stream`, shared so that a late timer can still reach it.
  template <typename Stream>
  static awaitable<void> ServeRequests(Impl& self, Stream& stream,
                                       std::shared_ptr<beast::tcp_stream> lowest, Slot& slot,
                                       Admission admission, const HttpLimits& limits,
                                       const std::string& address) {
    if (admission == Admission::kRefused) {
      co_await Respond(stream, TooManyConnections(), Closing(limits.timeout));
      co_return;
    }
    HttpRequestReader reader(limits);
    for (;;) {
      switch (co_await ReadRequest(self, stream, lowest, slot, reader, limits.timeout)) {
        case ReadOutcome::kTimedOut:
          if (!reader.Idle()) {
            co_await Respond(stream,
                             ErrorResponse(MakeError(ErrorCode::kRequestTimeout,
                                                     "the request did not arrive within " +
                                                         FormatDuration(limits.timeout))),
                             Closing(limits.timeout));
          }
          co_return;
        case ReadOutcome::kEnded: co_return;
        case ReadOutcome::kRefused:
          co_await Respond(stream, ErrorResponse(reader.refusal()), Closing(limits.timeout));
          co_return;
        case ReadOutcome::kRequest: break;
      }
      HttpRequest request = reader.TakeRequest();
      request.remote_address = address;
      const bool probe_only = admission == Admission::kProbeOnly;
      if (!co_await Answer(self, stream, std::move(request), probe_only, limits.timeout)) {
        co_return;
      }
    }
  }

  // Reads until the reader has a request or a refusal, the client closes, or `timeout` passes.
  // At the deadline the read is cancelled, not the socket closed (as the stream's own timeout
  // would), so that a client that stopped half-way can still be told 408; the stream's timeout
  // stays as a backstop.
  template <typename Stream>
  static awaitable<ReadOutcome> ReadRequest(Impl& self, Stream& stream,
                                            std::shared_ptr<beast::tcp_stream> lowest, Slot& slot,
                                            HttpRequestReader& reader, Duration timeout) {
    auto timed_out = std::make_shared<bool>(false);
    asio::steady_timer deadline(lowest->get_executor(), timeout);
    deadline.async_wait([timed_out, lowest](boost::system::error_code wait_error) {
      if (wait_error) return;
      *timed_out = true;
      boost::system::error_code ignored;
      lowest->socket().cancel(ignored);
    });
    lowest->expires_after(timeout + std::chrono::seconds(1));
    HttpRequestReader::Progress progress = reader.Parse();
    boost::system::error_code ec;
    while (progress == HttpRequestReader::Progress::kNeedMore) {
      self.MarkIdle(slot, reader.Idle());
      const std::span<char> space = reader.ReadSpace();
      const std::size_t received = co_await stream.async_read_some(
          asio::buffer(space.data(), space.size()), asio::redirect_error(use_awaitable, ec));
      reader.Received(received);
      if (ec) break;
      progress = reader.Parse();
    }
    self.MarkIdle(slot, false);
    deadline.cancel();
    if (*timed_out) co_return ReadOutcome::kTimedOut;
    if (ec || progress == HttpRequestReader::Progress::kClosed) co_return ReadOutcome::kEnded;
    if (progress == HttpRequestReader::Progress::kRefused) co_return ReadOutcome::kRefused;
    co_return ReadOutcome::kRequest;
  }

  // Runs the handler (or, on a connection of the probe reserve, answers only the probe paths)
  // and writes its answer. True when the connection stays open for another request.
  template <typename Stream>
  static awaitable<bool> Answer(Impl& self, Stream& stream, HttpRequest request, bool probe_only,
                                Duration timeout) {
    Delivery delivery{request.version, request.keep_alive && !probe_only, request.method == "HEAD",
                      false, timeout};
    HttpResponse response = probe_only && self.probe_paths_.count(request.path) == 0
                                ? TooManyConnections()
                                : self.handler_(request);
    bool sent = false;
    if (response.more_body && delivery.version >= 11) {
      auto encoding = request.headers.find("accept-encoding");
      delivery.gzip = encoding != request.headers.end() && AcceptsGzip(encoding->second);
      sent = co_await RespondInPieces(stream, std::move(response), delivery);
    } else {
      if (response.more_body) {
        while (response.more_body(response.body)) {
        }
      }
      sent = co_await Respond(stream, std::move(response), delivery);
    }
    co_return sent&& delivery.keep_alive;
  }

  template <typename Stream>
  static awaitable<bool> Respond(Stream& stream, HttpResponse response, const Delivery& delivery) {
    http::response<http::string_body> message{static_cast<http::status>(response.status),
                                              delivery.version};
    message.set(http::field::server, "vigil-collector");
    message.set(http::field::content_type, response.content_type);
    message.keep_alive(delivery.keep_alive);
    message.body() = std::move(response.body);
    message.prepare_payload();
    if (delivery.head) message.body().clear();
    boost::system::error_code ec;
    beast::get_lowest_layer(stream).expires_after(delivery.timeout);
    http::serializer<false, http::string_body> serializer(message);
    if (delivery.head) {
      co_await http::async_write_header(stream, serializer,
                                        asio::redirect_error(use_awaitable, ec));
    } else {
      co_await http::async_write(stream, serializer, asio::redirect_error(use_awaitable, ec));
    }
    co_return !ec;
  }

  // Chunked transfer encoding: each piece is written (compressed, if `gzip`) as it is produced.
  template <typename Stream>
  static awaitable<bool> RespondInPieces(Stream& stream, HttpResponse response,
                                         const Delivery& delivery) {
    const bool gzip = delivery.gzip;
    const Duration timeout = delivery.timeout;
    http::response<http::empty_body> message{static_cast<http::status>(response.status), 11};
    message.set(http::field::server, "vigil-collector");
    message.set(http::field::content_type, response.content_type);
    message.set(http::field::vary, "Accept-Encoding");
    if (gzip) message.set(http::field::content_encoding, "gzip");
    message.keep_alive(delivery.keep_alive);
    message.chunked(true);
    boost::system::error_code ec;
    beast::get_lowest_layer(stream).expires_after(timeout);
    http::response_serializer<http::empty_body> serializer(message);
    co_await http::async_write_header(stream, serializer, asio::redirect_error(use_awaitable, ec));
    if (ec) co_return false;
    if (delivery.head) co_return true;
    std::optional<GzipStream> compressor;
    if (gzip) compressor.emplace();
    std::string piece = std::move(response.body);
    std::string wire;
    bool more = true;
    while (more) {
      more = response.more_body(piece);
      const std::string* out = &piece;
      if (compressor) {
        wire.clear();
        compressor->Compress(piece, wire);
        if (!more) compressor->Finish(wire);
        out = &wire;
      }
      if (!out->empty()) {
        beast::get_lowest_layer(stream).expires_after(timeout);
        co_await asio::async_write(stream, http::make_chunk(asio::buffer(*out)),
                                   asio::redirect_error(use_awaitable, ec));
        if (ec) co_return false;
      }
      piece.clear();
    }
    beast::get_lowest_layer(stream).expires_after(timeout);
    co_await asio::async_write(stream, http::make_chunk_last(),
                               asio::redirect_error(use_awaitable, ec));
    co_return !ec;
  }

  // How long a connection of the probe reserve, or one refused, is given.
  static constexpr Duration kProbeTimeout = std::chrono::seconds(2);

  asio::io_context& io_;
  asio::strand<asio::io_context::executor_type> strand_;
  tcp::acceptor acceptor_;
  bool stopping_ = false;  // on strand_
  std::uint16_t port_ = 0;
  mutable std::mutex mutex_;
  HttpLimits limits_;                        // guarded by mutex_
  std::shared_ptr<asio::ssl::context> tls_;  // guarded by mutex_; null: plain HTTP
  std::unordered_map<Slot*, std::shared_ptr<Slot>> connections_;  // guarded by mutex_
  std::size_t probe_only_ = 0;  // of connections_, those of the probe reserve; guarded by mutex_
  HttpHandler handler_;
  const std::set<std::string> probe_paths_;
};

Result<std::unique_ptr<HttpServer>> HttpServer::Create(asio::io_context& io,
                                                       const std::string& listen, HttpLimits limits,
                                                       HttpHandler handler,
                                                       std::shared_ptr<asio::ssl::context> tls,
                                                       std::vector<std::string> probe_paths) {
  auto impl = std::make_shared<Impl>(io, limits, std::move(handler), std::move(tls),
                                     std::move(probe_paths));
  if (Status bound = impl->Bind(listen); !bound) return bound.error();
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

HttpServer::HttpServer(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpServer::~HttpServer() = default;
void HttpServer::Start() { impl_->Start(); }
void HttpServer::Stop() { impl_->Stop(); }
void HttpServer::SetLimits(HttpLimits limits) { impl_->SetLimits(limits); }
void HttpServer::SetTls(std::shared_ptr<asio::ssl::context> tls) { impl_->SetTls(std::move(tls)); }
std::uint16_t HttpServer::port() const { return impl_->port(); }
bool HttpServer::Drained() const { return impl_->Drained(); }

}  // namespace vigil::collector
