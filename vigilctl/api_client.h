#pragma once
// vigilctl's connection to the collector's REST API: one blocking HTTP(S) request at a time over
// libcurl. This header keeps <curl/curl.h> out of its users.

#include <memory>
#include <string>

#include "common/result.h"
#include "common/units.h"

namespace vigil::ctl {

struct ApiClientOptions {
  std::string server = "http://127.0.0.1:9701";  // scheme, host and port
  std::string token;                             // sent as Authorization: Bearer
  std::string ca_file;                           // HTTPS: the CA to verify the collector with
  Duration timeout{std::chrono::seconds(30)};
};

struct ApiAnswer {
  long status = 0;
  std::string body;
};

class ApiClient {
 public:
  explicit ApiClient(ApiClientOptions options);
  ~ApiClient();
  ApiClient(const ApiClient&) = delete;
  ApiClient& operator=(const ApiClient&) = delete;

  // `target` is the path and query ("/api/v1/incidents?state=open"); `body` is JSON, sent when
  // not empty. Error "connect" when no answer came (refused, unresolvable, TLS, timeout), with
  // libcurl's reason; any HTTP answer, error statuses included, is an ApiAnswer.
  Result<ApiAnswer> Call(const std::string& method, const std::string& target,
                         const std::string& body = "");

 private:
  struct State;
  ApiClientOptions options_;
  std::unique_ptr<State> state_;
};

// "a b/c" -> "a%20b%2Fc", for path segments and query values.
std::string UrlEncode(const std::string& text);

}  // namespace vigil::ctl
