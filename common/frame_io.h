#pragma once
// Reading and writing protocol frames on a TLS stream, as Asio coroutines. Every operation has a
// deadline (Beast's tcp_stream timer); a stream may have one read and one write outstanding at a
// time, from the same strand.

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/system/error_code.hpp>
#include <string>

#include "common/framing.h"
#include "common/result.h"
#include "common/units.h"

namespace vigil {

using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

// Before a client handshake: sends `server_name` as SNI (unless it is an IP literal, which SNI
// does not carry) and requires the server's certificate to name it (DNS name or IP address).
void ExpectServerName(TlsStream& stream, const std::string& server_name);

// Maps a socket or TLS error to an Error: code "timeout", "closed" (orderly or truncated close by
// the peer), "cancelled" (we closed it), "tls_handshake_failed" or "io_error"; the message is
// `context` followed by the system's description.
Error IoError(const boost::system::error_code& ec, const std::string& context);

// Reads one frame and parses it. Errors: those of IoError, "frame_too_large" (before any body
// byte is read or allocated) and "malformed_message".
boost::asio::awaitable<Result<wire::Envelope>> ReadEnvelope(TlsStream& stream,
                                                            std::size_t max_frame_bytes,
                                                            Duration timeout);

// Writes one encoded frame (see EncodeFrame). Errors: those of IoError.
boost::asio::awaitable<Status> WriteFrame(TlsStream& stream, const std::string& frame,
                                          Duration timeout);

}  // namespace vigil
