#pragma once
// "host:port" addresses as written in configuration files.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace vigil {

struct HostPort {
  std::string host;  // name or IP literal, without IPv6 brackets
  std::uint16_t port = 0;
};

// Splits "host:port" or "[v6addr]:port". Error "invalid_address" naming what is wrong.
Result<HostPort> ParseHostPort(std::string_view address);

// "host:port", with brackets around an IPv6 literal.
std::string FormatHostPort(const HostPort& address);

}  // namespace vigil
