#pragma once
// A small HTTP/1.1 server (Boost.Beast) for /metrics, the health endpoints and the REST API, over
// plain TCP or TLS. Handlers see plain structs; Beast stays inside the .cc files. Every
// outsider-controlled quantity is bounded: concurrent connections, what a request may send before
// its handler runs (HttpRequestReader: header and framing 431, body 413, strict framing 400), the
// time to send a request (408) and to take the answer.
//
// When every connection slot is taken, a new connection takes the slot of the connection that has
// been idle longest (waiting for a request: a keep-alive client may always be closed then); when
// none is idle, it is served from a small reserve that answers only the probe paths (liveness and
// readiness) and 503 to anything else, so that idle or slow clients can never make a healthy
// collector look dead to its supervisor. Beyond the reserve: 503 at once.
//
// Threading: connections run on their own strands of a multi-threaded io_context, so a handler
// may run on any of its threads, concurrently with others.

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/units.h"

namespace boost::asio::ssl {
class context;
}

namespace vigil::collector {

struct HttpRequest {
  std::string method;                          // "GET", "POST", ...
  std::string target;                          // path and query, e.g. "/metrics?x=1"
  std::string path;                            // target without the query
  std::map<std::string, std::string> headers;  // lowercase names
  std::string body;
  std::string remote_address;  // the client's IP address
  unsigned version = 11;       // 10 or 11
  bool keep_alive = true;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  // Set: the body is `body` followed by what this appends, piece by piece, until it returns false.
  // Such a body is sent with chunked transfer encoding as it is produced (HTTP/1.1; an HTTP/1.0
  // client gets it whole), and gzip-compressed when the request accepts gzip, so that its size
  // never sits in memory.
  std::function<bool(std::string& out)> more_body = nullptr;
};

// Whether an Accept-Encoding header value accepts gzip (a q of 0 refuses it).
bool AcceptsGzip(const std::string& accept_encoding);

// The one mapping of error codes to HTTP: each of the API's codes (docs/api.md) its status, any
// other code 500.
int HttpStatusOf(ErrorCode code);

// {"error": {"code": ..., "message": ...}} with the code's status: the error shape of every Vigil
// endpoint. An error outside the API's codes is a bug or a failure below the API: it answers 500
// "internal", and its message is logged, not sent.
HttpResponse ErrorResponse(const Error& error);

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

struct HttpLimits {
  std::size_t max_connections = 256;
  std::size_t max_body_bytes = 1 << 20;
  // The request line and headers; then, of the body's framing, chunk sizes, chunk extensions and
  // trailers: together at most this.
  std::size_t max_header_bytes = 16 << 10;
  Duration timeout{std::chrono::seconds(10)};  // to read a request, and to write a response
  // Connections beyond max_connections that may still ask for a probe path (each one request,
  // read within a shorter time); 0: none.
  std::size_t probe_connections = 8;
};

class HttpServer {
 public:
  // `tls` set: HTTPS only (a TLS handshake within `timeout`, then HTTP). `probe_paths`: the paths
  // (e.g. "/healthz") the reserve beyond max_connections answers.
  static Result<std::unique_ptr<HttpServer>> Create(
      boost::asio::io_context& io, const std::string& listen, HttpLimits limits,
      HttpHandler handler, std::shared_ptr<boost::asio::ssl::context> tls = nullptr,
      std::vector<std::string> probe_paths = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  void Start();
  void Stop();
  void SetLimits(HttpLimits limits);
  // New certificates for connections accepted from now on (ignored for a plain-HTTP server).
  void SetTls(std::shared_ptr<boost::asio::ssl::context> tls);
  std::uint16_t port() const;
  // After Stop(): true once every connection has ended.
  bool Drained() const;

 private:
  class Impl;
  explicit HttpServer(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace vigil::collector
