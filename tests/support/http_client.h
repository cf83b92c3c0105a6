#pragma once
// A minimal blocking HTTP/1.1 client for tests.

#include <cstdint>
#include <string>

namespace vigil::testing {

struct HttpResult {
  int status = 0;  // 0 when the request could not be made
  std::string content_type;
  std::string body;
};

HttpResult HttpGet(std::uint16_t port, const std::string& target,
                   const std::string& method = "GET");

}  // namespace vigil::testing
