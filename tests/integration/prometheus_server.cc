#include "tests/integration/prometheus_server.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <chrono>
#include <cstdio>

#include "tests/support/free_port.h"
#include "tests/support/wait.h"

namespace vigil::testing {
namespace {

using Json = nlohmann::json;
constexpr const char* kPrometheus = "/usr/bin/prometheus";

}  // namespace

std::string UrlEncode(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

PrometheusServer::PrometheusServer(Harness& harness, const std::string& viewer_token,
                                   const std::vector<std::string>& rule_files) {
  port_ = FreeLoopbackPort();
  std::string config = ReadFile(VIGIL_SOURCE_DIR "/packaging/prometheus/prometheus.yml");
  const auto replace_all = [&](const std::string& from, const std::string& to) {
    std::size_t at = 0, count = 0;
    while ((at = config.find(from, at)) != std::string::npos) {
      config.replace(at, from.size(), to);
      at += to.size();
      ++count;
    }
    if (count == 0) problem_ += from + " is not in packaging/prometheus/prometheus.yml; ";
  };
  replace_all("127.0.0.1:9701", "127.0.0.1:" + std::to_string(harness.http_port()));
  replace_all("/etc/prometheus/vigil-viewer.token",
              harness.dir().Write("prom/viewer.token", viewer_token));
  replace_all("scrape_interval: 15s", "scrape_interval: 1s");
  replace_all("refresh_interval: 30s", "refresh_interval: 1s");
  if (!problem_.empty()) return;
  std::string head = "global: {evaluation_interval: 1s}\n";
  if (!rule_files.empty()) {
    head += "rule_files:\n";
    for (const std::string& file : rule_files) head += "  - " + file + "\n";
  }
  harness.dir().Write("prom/prometheus.yml", head + config);
  process_ =
      Process::Start({kPrometheus, "--config.file=" + harness.dir().File("prom/prometheus.yml"),
                      "--storage.tsdb.path=" + harness.dir().File("prom/data"),
                      "--web.listen-address=127.0.0.1:" + std::to_string(port_)},
                     harness.dir().File("prom/out.log"), harness.dir().File("prom/err.log"));
  if (!WaitFor([&] { return HttpGet(port_, "/-/ready").status == 200 || !process_->Running(); },
               std::chrono::seconds(30)) ||
      !process_->Running()) {
    problem_ = "prometheus did not start: " + process_->Stderr();
  }
}

HttpResult PrometheusServer::QueryRaw(const std::string& promql) const {
  return HttpGet(port_, "/api/v1/query?query=" + UrlEncode(promql));
}

std::vector<PrometheusServer::Series> PrometheusServer::Query(const std::string& promql) const {
  std::vector<Series> out;
  Json body = Json::parse(QueryRaw(promql).body, nullptr, false);
  if (!body.is_object() || body.value("status", "") != "success") return out;
  const Json& result = body["data"]["result"];
  if (body["data"]["resultType"] == "scalar") {
    out.emplace_back(std::map<std::string, std::string>{}, std::stod(result[1].get<std::string>()));
    return out;
  }
  for (const Json& series : result) {
    out.emplace_back(series["metric"].get<std::map<std::string, std::string>>(),
                     std::stod(series["value"][1].get<std::string>()));
  }
  return out;
}

}  // namespace vigil::testing
