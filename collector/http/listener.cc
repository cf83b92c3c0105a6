#include "collector/http/listener.h"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>

#include "common/host_port.h"
#include "common/log.h"

namespace vigil::collector {

Status OpenListener(boost::asio::ip::tcp::acceptor& acceptor, const std::string& listen) {
  Result<HostPort> address = ParseHostPort(listen);
  if (!address) return address.error();
  boost::system::error_code ec;
  const auto ip = boost::asio::ip::make_address(address->host, ec);
  if (ec)
    return MakeError(ErrorCode::kIoError,
                     "cannot listen on " + listen + ": the host must be an IP address");
  const boost::asio::ip::tcp::endpoint endpoint(ip, address->port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(boost::asio::ip::tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(boost::asio::socket_base::max_listen_connections, ec);
  if (ec) return MakeError(ErrorCode::kIoError, "cannot listen on " + listen + ": " + ec.message());
  return OkStatus();
}

boost::asio::awaitable<std::optional<boost::asio::ip::tcp::socket>> AcceptOrPause(
    boost::asio::ip::tcp::acceptor& acceptor, boost::asio::io_context& io, std::string_view who) {
  namespace asio = boost::asio;
  asio::ip::tcp::socket socket(asio::make_strand(io));
  boost::system::error_code ec;
  co_await acceptor.async_accept(socket, asio::redirect_error(asio::use_awaitable, ec));
  if (!ec) co_return std::optional<asio::ip::tcp::socket>(std::move(socket));
  if (!acceptor.is_open()) co_return std::nullopt;
  LogWarning(std::string(who) + ": accept failed: " + ec.message());
  asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(100));
  co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  co_return std::nullopt;
}

}  // namespace vigil::collector
