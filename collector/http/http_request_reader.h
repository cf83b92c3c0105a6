#pragma once
// Reads HTTP/1.1 requests out of the bytes a client sends, within HttpLimits. It does no I/O: the
// server reads into ReadSpace() and asks Parse() what it has; the fuzz target feeds it anything.
//
// Everything a client sends before a handler runs counts against a bound, so that an
// unauthenticated client holds at most BufferLimit() bytes of memory:
//   - the request line and header fields, and then the body's framing (chunk sizes, chunk
//     extensions, trailer fields), together against max_header_bytes (431 beyond);
//   - the decoded body against max_body_bytes (413 beyond).
// The framing is strict (RFC 9112), so that no two readers can disagree on where a request ends:
// a Transfer-Encoding other than "chunked" alone, or beside a Content-Length, or in HTTP/1.0; an
// HTTP/1.1 request without exactly one Host; a second Authorization, Host, Content-Type,
// Content-Length or Cookie field; a malformed line, chunk size or chunk extension, or an HTTP
// version other than 1.0 and 1.1; each is refused with 400. After a refusal the connection must be
// closed: where a next request would start is no longer known.
//
// Not thread-safe; one per connection.

#include <cstddef>
#include <memory>
#include <span>
#include <string>

#include "collector/http/http_server.h"

namespace vigil::collector {

class HttpRequestReader {
 public:
  enum class Progress {
    kNeedMore,  // read more into ReadSpace()
    kRequest,   // TakeRequest() has a whole request
    kRefused,   // refusal() says why; answer it and close
    kClosed,    // the client closed its side; nothing to answer
  };

  explicit HttpRequestReader(const HttpLimits& limits);
  ~HttpRequestReader();
  HttpRequestReader(const HttpRequestReader&) = delete;
  HttpRequestReader& operator=(const HttpRequestReader&) = delete;

  // The most this reader ever buffers for `limits`.
  static std::size_t BufferLimit(const HttpLimits& limits);

  // Where the next read from the client goes (never empty while Parse() asks for more).
  std::span<char> ReadSpace();
  // `count` bytes were read into the last ReadSpace().
  void Received(std::size_t count);
  // The client closed its side of the connection.
  void ReceivedEnd();

  // Parses what has been received.
  Progress Parse();
  // After kRequest: the request; the reader goes on to the next one (pipelined bytes are kept).
  HttpRequest TakeRequest();
  // After kRefused: why (its code gives the status: ErrorResponse).
  const Error& refusal() const;

  // Whether no byte of the next request has arrived: the connection is idle.
  bool Idle() const;
  // Bytes buffered now, and the capacity held for them.
  std::size_t buffered_bytes() const;
  std::size_t buffer_capacity() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::collector
