#include "collector/listener.h"

#include "common/host_port.h"

namespace vigil::collector {

Status OpenListener(boost::asio::ip::tcp::acceptor& acceptor, const std::string& listen) {
  Result<HostPort> address = ParseHostPort(listen);
  if (!address) return address.error();
  boost::system::error_code ec;
  const auto ip = boost::asio::ip::make_address(address->host, ec);
  if (ec) return MakeError("listen", "cannot listen on " + listen + ": the host must be an IP address");
  const boost::asio::ip::tcp::endpoint endpoint(ip, address->port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(boost::asio::ip::tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(boost::asio::socket_base::max_listen_connections, ec);
  if (ec) return MakeError("listen", "cannot listen on " + listen + ": " + ec.message());
  return OkStatus();
}

}  // namespace vigil::collector
