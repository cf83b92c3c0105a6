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

// Any request, with a JSON body (when not empty) and a bearer token (when not empty).
HttpResult HttpCall(std::uint16_t port, const std::string& method, const std::string& target,
                    const std::string& body = "", const std::string& token = "");

}  // namespace vigil::testing
