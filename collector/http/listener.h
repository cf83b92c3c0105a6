#pragma once
// Listening sockets: opening one from a configured "ip:port" (port 0: any free port), and
// accepting from it without spinning when accept fails.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace vigil::collector {

// Opens, binds (SO_REUSEADDR, so a restart can rebind at once) and listens. Errors name the
// address and the reason.
Status OpenListener(boost::asio::ip::tcp::acceptor& acceptor, const std::string& listen);

// The next connection, on a strand of its own. When accept fails — usually out of file
// descriptors, with the connection still waiting in the backlog — logs it under `who`, waits
// 100 ms (an accept loop that retried at once would spin a core and flood the log) and answers
// nullopt; nullopt at once when the acceptor has been closed.
boost::asio::awaitable<std::optional<boost::asio::ip::tcp::socket>> AcceptOrPause(
    boost::asio::ip::tcp::acceptor& acceptor, boost::asio::io_context& io, std::string_view who);

}  // namespace vigil::collector
