#pragma once
// The collector's configuration (collector.yaml) as plain data. See config/examples/collector.yaml
// and docs/configuration.md for every key.

#include <cstdint>
#include <string>
#include <vector>

#include "common/log.h"
#include "common/units.h"
#include "config/diagnostic.h"

namespace vigil::config {

struct CollectorConfig {
  std::string source_file;

  struct Listen {
    std::string ingest = "0.0.0.0:9700";
    std::string http = "127.0.0.1:9701";
  } listen;

  struct Tls {
    std::string cert_file;
    std::string key_file;
    std::string client_ca_file;  // set: agents must present a certificate signed by this CA
  } tls;

  struct Store {
    std::string sqlite = "/var/lib/vigil-collector/vigil.db";
  } store;

  struct Api {
    std::string admin_token_file;  // read by the REST API, which this version does not serve yet
  } api;

  // Sections of the documented schema (rules, notifications, sla) that this version accepts but
  // does not act on yet; the collector warns at start-up for each one that is set.
  std::vector<std::string> not_yet_supported;

  // Every limit an outsider (an agent or an HTTP client) can push against.
  struct Limits {
    std::int64_t max_connections = 10000;       // concurrent ingest connections
    std::uint64_t max_frame_bytes = 4 << 20;    // one protocol message
    Duration handshake_timeout{std::chrono::seconds(10)};  // TCP accept to TLS established
    Duration hello_timeout{std::chrono::seconds(10)};      // TLS established to Hello received
    Duration idle_timeout{std::chrono::seconds(90)};       // silence after Hello
    std::int64_t connection_rate_per_ip = 50;    // new ingest connections a second, per address
    std::int64_t connection_burst_per_ip = 500;  // ... of which this many at once
    Duration revocation_check_interval{std::chrono::seconds(10)};  // cut streams of revoked tokens
    std::int64_t max_series_per_agent = 50000;
    std::int64_t max_metric_names = 100000;     // distinct metric names across all agents
    std::int64_t max_http_connections = 256;
    std::uint64_t max_http_request_bytes = 64 << 10;
    Duration http_timeout{std::chrono::seconds(10)};
  } limits;

  std::int64_t threads = 0;  // 0: one per CPU
  LogLevel log_level = LogLevel::kInfo;
};

Loaded<CollectorConfig> LoadCollectorConfig(const std::string& file);
Loaded<CollectorConfig> ParseCollectorConfig(const std::string& text, const std::string& file);

}  // namespace vigil::config
