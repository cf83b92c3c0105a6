#include "collector/http_server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "collector/gzip_stream.h"
#include "collector/listener.h"
#include "common/host_port.h"
#include "common/log.h"

namespace vigil::collector {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::awaitable;
using asio::use_awaitable;
using asio::ip::tcp;

HttpResponse JsonError(int status, const std::string& code, const std::string& message) {
  nlohmann::json body = {{"error", {{"code", code}, {"message", message}}}};
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

namespace {

bool IsMalformed(const boost::system::error_code& ec) {
  return ec == http::error::bad_method || ec == http::error::bad_target ||
         ec == http::error::bad_version || ec == http::error::bad_field ||
         ec == http::error::bad_value || ec == http::error::bad_line_ending ||
         ec == http::error::bad_content_length || ec == http::error::bad_chunk ||
         ec == http::error::bad_transfer_encoding || ec == http::error::bad_obs_fold;
}

}  // namespace

class HttpServer::Impl : public std::enable_shared_from_this<HttpServer::Impl> {
 public:
  Impl(asio::io_context& io, HttpLimits limits, HttpHandler handler,
       std::shared_ptr<asio::ssl::context> tls)
      : io_(io),
        strand_(asio::make_strand(io)),
        acceptor_(strand_),
        limits_(limits),
        tls_(std::move(tls)),
        handler_(std::move(handler)) {}

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
    for (auto& [raw, weak] : connections_) {
      if (auto stream = weak.lock()) {
        asio::post(stream->get_executor(), [stream] { stream->close(); });
      }
    }
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

  static awaitable<void> AcceptLoop(std::shared_ptr<Impl> self) {
    for (;;) {
      std::optional<tcp::socket> accepted = co_await AcceptOrPause(self->acceptor_, self->io_, "http");
      if (self->stopping_) break;
      if (!accepted) continue;
      tcp::socket socket = std::move(*accepted);
      boost::system::error_code remote_ec;
      const tcp::endpoint remote = socket.remote_endpoint(remote_ec);
      std::string address = remote_ec ? std::string() : remote.address().to_string();
      HttpLimits limits;
      std::shared_ptr<asio::ssl::context> tls;
      bool over_limit = false;
      auto stream = std::make_shared<beast::tcp_stream>(std::move(socket));
      {
        std::lock_guard lock(self->mutex_);
        limits = self->limits_;
        tls = self->tls_;
        over_limit = self->connections_.size() >= limits.max_connections;
        if (!over_limit) self->connections_.emplace(stream.get(), stream);
      }
      asio::co_spawn(stream->get_executor(),
                     Serve(self, stream, std::move(tls), limits, over_limit, std::move(address)),
                     asio::detached);
    }
  }

  static awaitable<void> Serve(std::shared_ptr<Impl> self,
                               std::shared_ptr<beast::tcp_stream> stream,
                               std::shared_ptr<asio::ssl::context> tls, HttpLimits limits,
                               bool over_limit, std::string address) {
    if (tls) {
      auto secure = std::make_shared<TlsStream>(std::move(*stream), *tls);
      // The connection table must point at the stream that now owns the socket (and keep the
      // whole TLS stream alive while Stop() closes it).
      auto inner = std::shared_ptr<beast::tcp_stream>(secure, &beast::get_lowest_layer(*secure));
      {
        std::lock_guard lock(self->mutex_);
        if (!over_limit) {
          self->connections_.erase(stream.get());
          self->connections_.emplace(inner.get(), inner);
        }
      }
      boost::system::error_code ec;
      inner->expires_after(limits.timeout);
      co_await secure->async_handshake(asio::ssl::stream_base::server,
                                       asio::redirect_error(use_awaitable, ec));
      if (!ec) {
        co_await Run(*self, *secure, inner, limits, over_limit, address);
        inner->expires_after(std::chrono::seconds(1));
        co_await secure->async_shutdown(asio::redirect_error(use_awaitable, ec));
      }
      inner->close();
      Forget(*self, inner.get(), over_limit);
    } else {
      co_await Run(*self, *stream, stream, limits, over_limit, address);
      boost::system::error_code ignored;
      stream->socket().shutdown(tcp::socket::shutdown_send, ignored);
      stream->close();
      Forget(*self, stream.get(), over_limit);
    }
  }

  static void Forget(Impl& self, beast::tcp_stream* stream, bool over_limit) {
    if (over_limit) return;
    std::lock_guard lock(self.mutex_);
    self.connections_.erase(stream);
  }

  // `lowest` is the TCP layer of `stream`, shared so that a late timer can still reach it.
  template <typename Stream>
  static awaitable<void> Run(Impl& self, Stream& stream, std::shared_ptr<beast::tcp_stream> lowest,
                             const HttpLimits& limits, bool over_limit,
                             const std::string& address) {
    if (over_limit) {
      co_await Respond(stream, JsonError(503, "unavailable",
                                         "the server has too many open connections"),
                       11, false, false, limits.timeout);
      co_return;
    }
    co_await ServeRequests(self, stream, std::move(lowest), limits, address);
  }

  template <typename Stream>
  static awaitable<void> ServeRequests(Impl& self, Stream& stream,
                                       std::shared_ptr<beast::tcp_stream> lowest,
                                       const HttpLimits& limits, const std::string& address) {
    beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(
          limits.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
      parser.body_limit(limits.max_body_bytes);
      boost::system::error_code ec;
      // At the deadline the read is cancelled, not the socket closed (as the stream's own
      // timeout would), so that a client that stopped half-way can still be told 408. The
      // stream's timeout stays as a backstop.
      auto timed_out = std::make_shared<bool>(false);
      asio::steady_timer deadline(lowest->get_executor(), limits.timeout);
      deadline.async_wait([timed_out, lowest](boost::system::error_code wait_error) {
        if (wait_error) return;
        *timed_out = true;
        boost::system::error_code ignored;
        lowest->socket().cancel(ignored);
      });
      lowest->expires_after(limits.timeout + std::chrono::seconds(1));
      co_await http::async_read(stream, buffer, parser, asio::redirect_error(use_awaitable, ec));
      deadline.cancel();
      if (*timed_out) ec = beast::error::timeout;
      if (ec == http::error::header_limit) {
        co_await Respond(stream,
                         JsonError(431, "request_header_fields_too_large",
                                   "request line and headers exceed " +
                                       std::to_string(limits.max_header_bytes) + " bytes"),
                         11, false, false, limits.timeout);
        co_return;
      }
      if (ec == http::error::body_limit) {
        co_await Respond(stream,
                         JsonError(413, "payload_too_large",
                                   "request body exceeds " + std::to_string(limits.max_body_bytes) +
                                       " bytes"),
                         11, false, false, limits.timeout);
        co_return;
      }
      if (IsMalformed(ec)) {
        co_await Respond(stream, JsonError(400, "bad_request", "malformed HTTP request"), 11,
                         false, false, limits.timeout);
        co_return;
      }
      if (ec == beast::error::timeout && (parser.got_some() || buffer.size() > 0)) {
        co_await Respond(stream,
                         JsonError(408, "request_timeout",
                                   "the request did not arrive within " +
                                       FormatDuration(limits.timeout)),
                         11, false, false, limits.timeout);
        co_return;
      }
      if (ec) co_return;  // closed, idle, or reset: nothing to answer
      const http::request<http::string_body>& message = parser.get();
      HttpRequest request;
      request.method = std::string(message.method_string());
      request.target = std::string(message.target());
      request.path = request.target.substr(0, request.target.find('?'));
      for (const auto& field : message) {
        std::string name(field.name_string());
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        request.headers[name] = std::string(field.value());
      }
      request.body = message.body();
      request.remote_address = address;
      HttpResponse response = self.handler_(request);
      const bool keep_alive = message.keep_alive();
      const bool head = message.method() == http::verb::head;
      bool sent = false;
      if (response.more_body && message.version() >= 11) {
        auto encoding = request.headers.find("accept-encoding");
        const bool gzip = encoding != request.headers.end() && AcceptsGzip(encoding->second);
        sent = co_await RespondInPieces(stream, std::move(response), keep_alive, head, gzip,
                                        limits.timeout);
      } else {
        if (response.more_body) {
          while (response.more_body(response.body)) {
          }
        }
        sent = co_await Respond(stream, std::move(response), message.version(), keep_alive, head,
                                limits.timeout);
      }
      if (!sent) co_return;
      if (!keep_alive) co_return;
    }
  }

  template <typename Stream>
  static awaitable<bool> Respond(Stream& stream, HttpResponse response, unsigned version,
                                 bool keep_alive, bool head, Duration timeout) {
    http::response<http::string_body> message{static_cast<http::status>(response.status),
                                              version};
    message.set(http::field::server, "vigil-collector");
    message.set(http::field::content_type, response.content_type);
    message.keep_alive(keep_alive);
    message.body() = std::move(response.body);
    message.prepare_payload();
    if (head) message.body().clear();
    boost::system::error_code ec;
    beast::get_lowest_layer(stream).expires_after(timeout);
    http::serializer<false, http::string_body> serializer(message);
    if (head) {
      co_await http::async_write_header(stream, serializer, asio::redirect_error(use_awaitable, ec));
    } else {
      co_await http::async_write(stream, serializer, asio::redirect_error(use_awaitable, ec));
    }
    co_return !ec;
  }

  // Chunked transfer encoding: each piece is written (compressed, if `gzip`) as it is produced.
  template <typename Stream>
  static awaitable<bool> RespondInPieces(Stream& stream, HttpResponse response, bool keep_alive,
                                         bool head, bool gzip, Duration timeout) {
    http::response<http::empty_body> message{static_cast<http::status>(response.status), 11};
    message.set(http::field::server, "vigil-collector");
    message.set(http::field::content_type, response.content_type);
    message.set(http::field::vary, "Accept-Encoding");
    if (gzip) message.set(http::field::content_encoding, "gzip");
    message.keep_alive(keep_alive);
    message.chunked(true);
    boost::system::error_code ec;
    beast::get_lowest_layer(stream).expires_after(timeout);
    http::response_serializer<http::empty_body> serializer(message);
    co_await http::async_write_header(stream, serializer, asio::redirect_error(use_awaitable, ec));
    if (ec) co_return false;
    if (head) co_return true;
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
    co_await asio::async_write(stream, http::make_chunk_last(), asio::redirect_error(use_awaitable, ec));
    co_return !ec;
  }

  asio::io_context& io_;
  asio::strand<asio::io_context::executor_type> strand_;
  tcp::acceptor acceptor_;
  bool stopping_ = false;  // on strand_
  std::uint16_t port_ = 0;
  mutable std::mutex mutex_;
  HttpLimits limits_;                         // guarded by mutex_
  std::shared_ptr<asio::ssl::context> tls_;   // guarded by mutex_; null: plain HTTP
  std::unordered_map<beast::tcp_stream*, std::weak_ptr<beast::tcp_stream>> connections_;  // guarded by mutex_
  HttpHandler handler_;
};

Result<std::unique_ptr<HttpServer>> HttpServer::Create(asio::io_context& io,
                                                       const std::string& listen,
                                                       HttpLimits limits, HttpHandler handler,
                                                       std::shared_ptr<asio::ssl::context> tls) {
  auto impl = std::make_shared<Impl>(io, limits, std::move(handler), std::move(tls));
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
