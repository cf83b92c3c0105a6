#pragma once
// The "http" probe: one GET over HTTP/1.1 (TLS for https, verified against the system's or the
// configured CA), judged by status and, optionally, a regular expression on the body. Reports
// vigil_probe_http_status_code and, for https, the earliest expiry in the server's certificate
// chain as vigil_probe_tls_cert_expiry_timestamp_seconds. Redirects are not followed.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>

#include "agent/probes/probe.h"
#include "common/result.h"
#include "config/agent_config.h"

namespace boost::asio::ssl {
class context;
}

namespace vigil::agent {

struct ParsedUrl {
  bool tls = false;
  std::string host;  // without brackets for IPv6
  std::string port;
  std::string target;  // path and query, at least "/"
};

// http[s]://host[:port][/path]; error "invalid_url" naming the problem.
Result<ParsedUrl> ParseUrl(std::string_view url);

// Whether a status passes: listed ones when the list is set, otherwise any 2xx.
bool StatusExpected(int status, const std::vector<int>& expected);

class HttpProbe {
 public:
  // Errors when the CA file cannot be loaded or the URL is invalid.
  static Result<std::unique_ptr<HttpProbe>> Create(const config::AgentConfig::Probe& probe);
  ~HttpProbe();

  // One run, finished within the probe's timeout. Runs on `executor`'s thread.
  boost::asio::awaitable<ProbeResult> Run(boost::asio::any_io_executor executor);

 private:
  HttpProbe(config::AgentConfig::Probe probe, ParsedUrl url,
            std::shared_ptr<boost::asio::ssl::context> tls);
  config::AgentConfig::Probe probe_;
  ParsedUrl url_;
  std::optional<std::regex> body_match_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
};

}  // namespace vigil::agent
