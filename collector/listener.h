#pragma once
// Opening a listening socket from a configured "ip:port" (port 0: any free port).

#include <boost/asio/ip/tcp.hpp>
#include <string>

#include "common/result.h"

namespace vigil::collector {

// Opens, binds (SO_REUSEADDR, so a restart can rebind at once) and listens. Errors name the
// address and the reason.
Status OpenListener(boost::asio::ip::tcp::acceptor& acceptor, const std::string& listen);

}  // namespace vigil::collector
