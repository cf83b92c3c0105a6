#include "common/frame_io.h"

#include <openssl/ssl.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>

namespace vigil {

namespace asio = boost::asio;

void ExpectServerName(TlsStream& stream, const std::string& server_name) {
  boost::system::error_code ec;
  asio::ip::make_address(server_name, ec);
  if (ec) SSL_set_tlsext_host_name(stream.native_handle(), server_name.c_str());
  stream.set_verify_callback(asio::ssl::host_name_verification(server_name));
}

Error IoError(const boost::system::error_code& ec, const std::string& context) {
  ErrorCode code = ErrorCode::kIoError;
  if (ec == boost::beast::error::timeout) {
    code = ErrorCode::kTimeout;
  } else if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated ||
             ec == asio::error::connection_reset) {
    code = ErrorCode::kClosed;
  } else if (ec == asio::error::operation_aborted) {
    code = ErrorCode::kCancelled;
  } else if (ec.category() == asio::error::get_ssl_category()) {
    code = ErrorCode::kTlsHandshakeFailed;
  }
  return MakeError(code, context + ": " + ec.message());
}

asio::awaitable<Result<wire::Envelope>> ReadEnvelope(TlsStream& stream, std::size_t max_frame_bytes,
                                                     Duration timeout) {
  // The header within `timeout`, then the body within `timeout` again.
  FrameAssembler frame(max_frame_bytes);
  boost::beast::get_lowest_layer(stream).expires_after(timeout);
  while (!frame.complete()) {
    const bool header = !frame.header_complete();
    const std::span<char> space = frame.Space();
    boost::system::error_code ec;
    co_await asio::async_read(stream, asio::buffer(space.data(), space.size()),
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return IoError(ec, header ? "reading frame header" : "reading frame body");
    if (Status received = frame.Received(space.size()); !received) co_return received.error();
    if (header && frame.header_complete()) {
      boost::beast::get_lowest_layer(stream).expires_after(timeout);
    }
  }
  co_return frame.Parse();
}

asio::awaitable<Status> WriteFrame(TlsStream& stream, const std::string& frame, Duration timeout) {
  boost::system::error_code ec;
  boost::beast::get_lowest_layer(stream).expires_after(timeout);
  co_await asio::async_write(stream, asio::buffer(frame),
                             asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return IoError(ec, "writing frame");
  co_return OkStatus();
}

}  // namespace vigil
