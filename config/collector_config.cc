#include "config/collector_config.h"

#include "common/exposition.h"

#include "common/host_port.h"
#include "config/detail/common_fields.h"
#include "config/detail/notifications_section.h"
#include "config/detail/sla_section.h"
#include "config/detail/yaml_reader.h"

namespace vigil::config {
namespace {

bool IsLoopbackHost(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

void ReadListenSection(const Field& section, CollectorConfig::Listen& listen) {
  if (!section.ExpectMap({"ingest", "http", "http_tls"})) return;
  ReadAddress(section["ingest"], listen.ingest, /*allow_port_zero=*/true);
  ReadAddress(section["http"], listen.http, /*allow_port_zero=*/true);
  const Field tls = section["http_tls"];
  if (tls.Present() && tls.ExpectMap({"cert_file", "key_file"})) {
    tls["cert_file"].Require();
    tls["cert_file"].ReadPath(listen.http_tls.cert_file);
    tls["key_file"].Require();
    tls["key_file"].ReadPath(listen.http_tls.key_file);
  }
  Result<HostPort> http = ParseHostPort(listen.http);
  if (http && !IsLoopbackHost(http->host) && !listen.http_tls.enabled()) {
    section["http"].Report(
        "the HTTP listener carries API tokens: on an address other than "
        "loopback it needs listen.http_tls {cert_file, key_file}");
  }
}

void ReadBuiltin(const Field& section, CollectorConfig::BuiltinRules::Builtin& builtin) {
  if (!section.ExpectMap({"enabled", "severity", "for", "keep_firing_for"})) return;
  section["enabled"].Read(builtin.enabled);
  section["severity"].ReadSeverity(builtin.severity);
  section["for"].ReadDuration(builtin.for_duration, Duration(0));
  section["keep_firing_for"].ReadDuration(builtin.keep_firing_for, Duration(0));
}

void ReadBuiltinRules(const Field& section, CollectorConfig::BuiltinRules& rules) {
  if (!section.ExpectMap(
          {"agent_down_after", "AgentDown", "AgentStopped", "ProbeFailing", "SecurityFinding"})) {
    return;
  }
  section["agent_down_after"].ReadDuration(rules.agent_down_after, std::chrono::seconds(1));
  ReadBuiltin(section["AgentDown"], rules.agent_down);
  ReadBuiltin(section["AgentStopped"], rules.agent_stopped);
  ReadBuiltin(section["ProbeFailing"], rules.probe_failing);
  ReadBuiltin(section["SecurityFinding"], rules.security_finding);
}

void ReadTlsSection(const Field& section, CollectorConfig::Tls& tls) {
  section.Require();
  if (!section.Present() || !section.ExpectMap({"cert_file", "key_file", "client_ca_file"})) return;
  section["cert_file"].Require();
  section["cert_file"].ReadPath(tls.cert_file);
  section["key_file"].Require();
  section["key_file"].ReadPath(tls.key_file);
  section["client_ca_file"].ReadPath(tls.client_ca_file);
}

void ReadStoreSection(const Field& section, CollectorConfig::Store& store) {
  if (!section.ExpectMap({"sqlite", "postgres"})) return;
  if (section["postgres"].Present()) {
    section["postgres"].Report(
        "the PostgreSQL store is not available in this version; use store.sqlite");
  }
  if (section["sqlite"].Present()) {
    section["sqlite"].Require();
    section["sqlite"].ReadPath(store.sqlite);
  }
}

void ReadLimitsSection(const Field& section, CollectorConfig::Limits& limits) {
  if (!section.ExpectMap({"max_connections",
                          "max_unauthenticated_connections",
                          "max_frame_size",
                          "max_hello_size",
                          "handshake_timeout",
                          "hello_timeout",
                          "idle_timeout",
                          "connection_rate_per_ip",
                          "connection_burst_per_ip",
                          "revocation_check_interval",
                          "max_series_per_agent",
                          "max_sources_per_agent",
                          "max_metric_names",
                          "max_http_connections",
                          "max_http_probe_connections",
                          "max_http_request_size",
                          "max_http_header_size",
                          "http_timeout",
                          "api_requests_per_second",
                          "api_request_burst"})) {
    return;
  }
  section["max_connections"].Read(limits.max_connections, 1, 1'000'000);
  section["max_unauthenticated_connections"].Read(limits.max_unauthenticated_connections, 1,
                                                  1'000'000);
  section["max_frame_size"].ReadSize(limits.max_frame_bytes, 4096);
  if (limits.max_frame_bytes > (1ULL << 30)) {
    section["max_frame_size"].Report("must be at most 1GiB");
  }
  section["max_hello_size"].ReadSize(limits.max_hello_bytes, 4096);
  if (limits.max_hello_bytes > (1ULL << 20)) {
    section["max_hello_size"].Report("must be at most 1MiB");
  }
  section["handshake_timeout"].ReadDuration(limits.handshake_timeout,
                                            std::chrono::milliseconds(100));
  section["hello_timeout"].ReadDuration(limits.hello_timeout, std::chrono::milliseconds(100));
  section["idle_timeout"].ReadDuration(limits.idle_timeout, std::chrono::seconds(1));
  section["connection_rate_per_ip"].Read(limits.connection_rate_per_ip, 1, 1'000'000);
  section["connection_burst_per_ip"].Read(limits.connection_burst_per_ip, 1, 1'000'000);
  section["revocation_check_interval"].ReadDuration(limits.revocation_check_interval,
                                                    std::chrono::milliseconds(100));
  section["max_series_per_agent"].Read(limits.max_series_per_agent, 1, 10'000'000);
  section["max_sources_per_agent"].Read(limits.max_sources_per_agent, 4, 1000);
  section["max_metric_names"].Read(limits.max_metric_names, 1, 10'000'000);
  section["max_http_connections"].Read(limits.max_http_connections, 1, 100'000);
  section["max_http_probe_connections"].Read(limits.max_http_probe_connections, 0, 1000);
  section["max_http_request_size"].ReadSize(limits.max_http_request_bytes, 1024);
  if (limits.max_http_request_bytes > (1ULL << 30)) {
    section["max_http_request_size"].Report("must be at most 1GiB");
  }
  section["max_http_header_size"].ReadSize(limits.max_http_header_bytes, 1024);
  if (limits.max_http_header_bytes > (1ULL << 20)) {
    section["max_http_header_size"].Report("must be at most 1MiB");
  }
  section["http_timeout"].ReadDuration(limits.http_timeout, std::chrono::milliseconds(100));
  section["api_requests_per_second"].Read(limits.api_requests_per_second, 1, 1'000'000);
  section["api_request_burst"].Read(limits.api_request_burst, 1, 1'000'000);
}

void ReadCollectorDocument(const Field& root, CollectorConfig& config) {
  if (!root.Present()) {
    root.Report("the file is empty; at least tls.cert_file and tls.key_file are needed");
  } else if (root.ExpectMap({"listen", "tls", "store", "api", "rules", "rule_severity_labels",
                             "external_labels", "builtin_rules", "notifications", "sla", "limits",
                             "threads", "log"})) {
    ReadListenSection(root["listen"], config.listen);
    ReadTlsSection(root["tls"], config.tls);
    ReadStoreSection(root["store"], config.store);
    const Field api = root["api"];
    if (api.ExpectMap({"admin_token_file", "sd_anonymous"})) {
      api["admin_token_file"].ReadPath(config.api.admin_token_file);
      api["sd_anonymous"].Read(config.api.sd_anonymous);
    }
    for (const Field& pattern : root["rules"].Elements()) {
      std::string path;
      if (pattern.ReadPath(path)) config.rule_files.push_back(path);
    }
    for (const auto& [word, value] : root["rule_severity_labels"].Entries()) {
      std::string name;
      if (!value.ReadSeverity(name)) continue;
      if (auto severity = ParseSeverity(name)) config.rule_severity_labels[word] = *severity;
    }
    root["external_labels"].Read(config.external_labels);
    for (const auto& [name, value] : config.external_labels) {
      if (!IsValidLabelName(name)) {
        root["external_labels"][name].Report("\"" + name + "\" is not a label name");
      }
    }
    ReadBuiltinRules(root["builtin_rules"], config.builtin_rules);
    ReadNotificationsSection(root["notifications"], config.notifications);
    ReadSlaSection(root["sla"], config.sla);
    ReadLimitsSection(root["limits"], config.limits);
    root["threads"].Read(config.threads, 0, 256);
    ReadLogSection(root["log"], config.log_level);
  }
}

}  // namespace

Loaded<CollectorConfig> LoadCollectorConfig(const std::string& file) {
  std::vector<Diagnostic> problems;
  std::optional<YAML::Node> document = LoadYamlFile(file, problems);
  return ReadDocument(document, file, std::move(problems), &ReadCollectorDocument);
}

Loaded<CollectorConfig> ParseCollectorConfig(const std::string& text, const std::string& file) {
  std::vector<Diagnostic> problems;
  std::optional<YAML::Node> document = ParseYamlText(text, file, problems);
  return ReadDocument(document, file, std::move(problems), &ReadCollectorDocument);
}

}  // namespace vigil::config
