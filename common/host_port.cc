#include "common/host_port.h"

#include <charconv>

namespace vigil {

Result<HostPort> ParseHostPort(std::string_view address) {
  const auto invalid = [&](const std::string& why) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "invalid address \"" + std::string(address) + "\": " + why);
  };
  std::string_view host;
  std::string_view port;
  if (!address.empty() && address.front() == '[') {
    const std::size_t close = address.find(']');
    if (close == std::string_view::npos) return invalid("missing ']' after IPv6 address");
    if (close + 1 >= address.size() || address[close + 1] != ':') {
      return invalid("expected host:port");
    }
    host = address.substr(1, close - 1);
    port = address.substr(close + 2);
  } else {
    const std::size_t colon = address.rfind(':');
    if (colon == std::string_view::npos) return invalid("expected host:port");
    host = address.substr(0, colon);
    port = address.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) {
      return invalid("put an IPv6 address in brackets, e.g. [::1]:9700");
    }
  }
  if (host.empty()) return invalid("missing host");
  unsigned value = 0;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || ptr != port.data() + port.size() || value > 65535) {
    return invalid("port must be a number from 0 to 65535");
  }
  return HostPort{std::string(host), static_cast<std::uint16_t>(value)};
}

std::string FormatHostPort(const HostPort& address) {
  if (address.host.find(':') != std::string::npos) {
    return "[" + address.host + "]:" + std::to_string(address.port);
  }
  return address.host + ":" + std::to_string(address.port);
}

}  // namespace vigil
