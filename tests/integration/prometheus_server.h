#pragma once
// Debian's Prometheus, run by a test with the shipped packaging/prometheus/prometheus.yml pointed
// at a Harness's collector (1 s scrape, discovery and rule intervals), queried over its HTTP API.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tests/integration/harness.h"
#include "tests/support/http_client.h"

namespace vigil::testing {

class PrometheusServer {
 public:
  using Series = std::pair<std::map<std::string, std::string>, double>;

  // Starts it and waits until it is ready; `rule_files` are loaded as rule_files. problem() says
  // what went wrong, if anything did.
  PrometheusServer(Harness& harness, const std::string& viewer_token,
                   const std::vector<std::string>& rule_files = {});

  const std::string& problem() const { return problem_; }
  std::uint16_t port() const { return port_; }
  Process& process() { return *process_; }

  // The result vector of an instant query: labels and value of each series (empty on an error).
  std::vector<Series> Query(const std::string& promql) const;
  // The whole answer of an instant query, for tests that need its status or error.
  HttpResult QueryRaw(const std::string& promql) const;

 private:
  std::uint16_t port_ = 0;
  std::unique_ptr<Process> process_;
  std::string problem_;
};

std::string UrlEncode(const std::string& text);

}  // namespace vigil::testing
