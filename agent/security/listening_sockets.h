#pragma once
// The listening sockets of /proc/net/{tcp,tcp6,udp,udp6}: TCP in state LISTEN (0A), UDP bound
// and unconnected (07).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::agent {

struct ListeningSocket {
  std::string proto;    // tcp, tcp6, udp, udp6
  std::string address;  // "0.0.0.0", "127.0.0.1", "::", "::1"
  int port = 0;
  std::uint64_t inode = 0;
  // "tcp:0.0.0.0:22", "tcp:[::]:22", "udp:127.0.0.1:53": the family without the 6.
  std::string Key() const;
};

std::vector<ListeningSocket> ParseListeningSockets(std::string_view table,
                                                   const std::string& proto);

}  // namespace vigil::agent
