#include "tests/support/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace vigil::testing {

namespace beast = boost::beast;
namespace http = beast::http;

HttpResult HttpGet(std::uint16_t port, const std::string& target, const std::string& method) {
  return HttpCall(port, method, target);
}

HttpResult HttpCall(std::uint16_t port, const std::string& method, const std::string& target,
                    const std::string& body, const std::string& token) {
  HttpResult result;
  try {
    boost::asio::io_context io;
    beast::tcp_stream stream(io);
    stream.expires_after(std::chrono::seconds(10));
    stream.connect(
        boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
    http::request<http::string_body> request{http::string_to_verb(method), target, 11};
    request.set(http::field::host, "127.0.0.1");
    if (!token.empty()) request.set(http::field::authorization, "Bearer " + token);
    if (!body.empty()) {
      request.set(http::field::content_type, "application/json");
      request.body() = body;
    }
    request.prepare_payload();
    boost::system::error_code write_error;
    http::write(stream, request, write_error);  // a server may answer before reading it all
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(256 << 20);
    if (method == "HEAD") parser.skip(true);
    http::read(stream, buffer, parser);
    result.status = static_cast<int>(parser.get().result_int());
    result.content_type = std::string(parser.get()[http::field::content_type]);
    result.body = parser.get().body();
  } catch (const std::exception&) {
    result.status = 0;
  }
  return result;
}

}  // namespace vigil::testing
