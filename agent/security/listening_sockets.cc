#include "agent/security/listening_sockets.h"

#include <arpa/inet.h>

#include <cstdlib>
#include <cstring>

#include "agent/collectors/text.h"

namespace vigil::agent {
namespace {

// The kernel prints each 32-bit word of the address in host byte order, as hex.
std::string Address(std::string_view hex, bool v6) {
  unsigned char bytes[16] = {};
  const std::size_t words = v6 ? 4 : 1;
  if (hex.size() != words * 8) return "";
  for (std::size_t w = 0; w < words; ++w) {
    std::uint32_t word = 0;
    for (std::size_t i = 0; i < 8; ++i) {
      const char c = hex[w * 8 + i];
      const int digit = c >= '0' && c <= '9'   ? c - '0'
                        : c >= 'A' && c <= 'F' ? c - 'A' + 10
                        : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                               : -1;
      if (digit < 0) return "";
      word = word * 16 + static_cast<std::uint32_t>(digit);
    }
    std::memcpy(bytes + w * 4, &word, 4);  // back to the kernel's (host) byte order
  }
  char text[INET6_ADDRSTRLEN] = {};
  if (inet_ntop(v6 ? AF_INET6 : AF_INET, bytes, text, sizeof text) == nullptr) return "";
  return text;
}

}  // namespace

std::string ListeningSocket::Key() const {
  const std::string family = proto.substr(0, 3);
  const bool v6 = proto.size() == 4;
  return family + ":" + (v6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

std::vector<ListeningSocket> ParseListeningSockets(std::string_view table,
                                                   const std::string& proto) {
  std::vector<ListeningSocket> out;
  const bool v6 = proto.size() == 4;
  const bool tcp = proto.rfind("tcp", 0) == 0;
  bool header = true;
  for (std::string_view line : SplitLines(table)) {
    if (header) {
      header = false;
      continue;
    }
    const std::vector<std::string_view> fields = SplitFields(line);
    if (fields.size() < 10) continue;
    const std::string_view state = fields[3];
    if (state != (tcp ? "0A" : "07")) continue;
    const std::string_view local = fields[1];
    const std::size_t colon = local.find(':');
    if (colon == std::string_view::npos) continue;
    ListeningSocket socket;
    socket.proto = proto;
    socket.address = Address(local.substr(0, colon), v6);
    const std::string port_hex(local.substr(colon + 1));
    char* end = nullptr;
    const unsigned long port = std::strtoul(port_hex.c_str(), &end, 16);
    if (port_hex.empty() || *end != '\0' || port > 65535) continue;
    socket.port = static_cast<int>(port);
    auto inode = ParseUint(fields[9]);
    socket.inode = inode.value_or(0);
    if (socket.address.empty()) continue;
    out.push_back(std::move(socket));
  }
  return out;
}

}  // namespace vigil::agent
