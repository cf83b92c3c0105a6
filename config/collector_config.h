#pragma once
// The collector's configuration (collector.yaml) as plain data. See config/examples/collector.yaml
// and docs/configuration.md for every key.

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/log.h"
#include "common/severity.h"
#include "common/units.h"
#include "config/diagnostic.h"

namespace vigil::config {

struct CollectorConfig {
  std::string source_file;

  struct Listen {
    std::string ingest = "0.0.0.0:9700";
    std::string http = "127.0.0.1:9701";
    // HTTPS for the HTTP listener when both are set; required when it is not on loopback, since
    // API tokens travel on it.
    struct HttpTls {
      std::string cert_file;
      std::string key_file;
      bool enabled() const { return !cert_file.empty(); }
    } http_tls;
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
    // Holds the first admin token, read at start; empty: only tokens made with `token create`.
    std::string admin_token_file;
    // Whether Prometheus may read GET /api/v1/prometheus/targets without a token.
    bool sd_anonymous = false;
  } api;

  // Globs of rule files (absolute; relative ones were made relative to this file's folder).
  std::vector<std::string> rule_files;
  // More values of the `severity` label of Prometheus-format rules, or other meanings for
  // Prometheus's usual ones (alerting/rule_file.h), e.g. page: critical.
  std::map<std::string, Severity> rule_severity_labels;
  // What annotation templates see as $externalLabels, as Prometheus's global.external_labels.
  std::map<std::string, std::string> external_labels;

  // The collector's own rules (docs/rules.md). Severities are critical, high, medium or low.
  struct BuiltinRules {
    Duration agent_down_after{std::chrono::minutes(1)};
    struct Builtin {
      bool enabled = true;
      std::string severity;
      Duration for_duration{0};
      Duration keep_firing_for{0};
    };
    Builtin agent_down{true, "high"};
    Builtin agent_stopped{true, "low"};
    Builtin probe_failing{true, "high"};     // the severity of probes that do not set their own
    Builtin security_finding{true, "high"};  // for findings that carry no severity
  } builtin_rules;

  // Where incidents are sent (docs/webhooks.md). Secrets and URLs may come from files, which the
  // collector reads at start and on SIGHUP; the collector compiles the matchers (their position
  // is kept, so a mistake in one is reported where it is).
  struct Notifications {
    Duration timeout{std::chrono::seconds(10)};  // per attempt
    Duration max_age{std::chrono::hours(1)};     // then dead-lettered
    Duration retry_initial{std::chrono::seconds(1)};
    Duration retry_max{std::chrono::minutes(5)};
    std::int64_t breaker_failures = 5;
    Duration breaker_pause{std::chrono::seconds(30)};
    std::string external_url;  // prefix of links in payloads

    struct Receiver {
      std::string name;
      std::string type;  // webhook, slack, pagerduty, alertmanager
      std::string url;
      std::string url_file;
      std::string format = "vigil";           // webhook: vigil or alertmanager
      std::vector<std::string> secret_files;  // webhook: newest first
      std::string routing_key_file;           // pagerduty
      Diagnostic where;  // the receiver's position, for problems with its files
    };
    std::vector<Receiver> receivers;

    struct Located {
      std::string text;
      Diagnostic where;  // file, line, column and key path; message empty
    };
    struct Escalation {
      Duration after{0};
      std::string receiver;
    };
    struct Route {
      std::vector<Located> matchers;
      std::string receiver;
      std::optional<bool> send_resolved;
      std::optional<Duration> repeat_interval;
      std::vector<Escalation> escalate;
      bool continue_matching = false;
      std::vector<Route> routes;
    };
    std::optional<Route> route;
  } notifications;

  // Contract SLAs (docs/sla.md): business-hour calendars and, per customer, response and
  // resolution targets. Windows and dates are checked here; time zones by the collector, which
  // has the tz database.
  struct Sla {
    struct Calendar {
      std::string name;
      std::string timezone;
      std::array<std::vector<std::string>, 7> hours;  // "09:00-18:00" windows, Monday first
      std::vector<std::string> holidays;              // "2026-12-25"
      Diagnostic where;
    };
    std::vector<Calendar> calendars;
    struct Target {
      std::string kind;      // incident, fault, consultation, complaint
      std::string severity;  // empty: every severity
      Duration response{0};
      Duration resolution{0};
      std::string calendar;  // empty: the policy's
    };
    struct Policy {
      std::string customer;  // "*": customers without a policy of their own
      std::string calendar = "24x7";
      std::vector<std::string> pause_statuses;
      double at_risk = 0.8;  // share of a target used before the item escalates once
      std::vector<Target> targets;
    };
    std::vector<Policy> policies;
    // How often open items are checked for passing at_risk or breaching.
    Duration check_interval = std::chrono::seconds(30);
  } sla;

  // Sections of the documented schema that this version accepts but does not act on yet; the
  // collector warns at start-up for each one that is set.
  std::vector<std::string> not_yet_supported;

  // Every limit an outsider (an agent or an HTTP client) can push against.
  struct Limits {
    std::int64_t max_connections = 10000;  // concurrent ingest connections
    // Of those, connections that have not yet said an accepted Hello (TLS handshake included).
    std::int64_t max_unauthenticated_connections = 512;
    std::uint64_t max_frame_bytes = 4 << 20;   // one protocol message
    std::uint64_t max_hello_bytes = 64 << 10;  // the first message, before the agent is known
    Duration handshake_timeout{std::chrono::seconds(10)};  // TCP accept to TLS established
    Duration hello_timeout{std::chrono::seconds(10)};      // TLS established to Hello received
    Duration idle_timeout{std::chrono::seconds(90)};       // silence after Hello
    std::int64_t connection_rate_per_ip = 50;    // new ingest connections a second, per address
    std::int64_t connection_burst_per_ip = 500;  // ... of which this many at once
    Duration revocation_check_interval{std::chrono::seconds(10)};  // cut streams of revoked tokens
    std::int64_t max_series_per_agent = 50000;
    std::int64_t max_sources_per_agent = 16;  // snapshot sources (health, probes, ...) per agent
    std::int64_t max_metric_names = 100000;   // distinct metric names across all agents
    std::int64_t max_http_connections = 256;
    // Beyond max_http_connections, connections that may still ask for /healthz or /readyz.
    std::int64_t max_http_probe_connections = 8;
    std::uint64_t max_http_request_bytes = 1 << 20;   // a request's body
    std::uint64_t max_http_header_bytes = 16 << 10;   // a request's line and headers
    Duration http_timeout{std::chrono::seconds(10)};  // to read a request, and to write an answer
    // API requests per second, per token (and per address for requests without a valid one).
    std::int64_t api_requests_per_second = 50;
    std::int64_t api_request_burst = 200;
  } limits;

  std::int64_t threads = 0;  // 0: one per CPU
  LogLevel log_level = LogLevel::kInfo;
};

// An SLA calendar's "09:00-18:00": minutes from local midnight (start, end), start before end, up
// to 24:00; nullopt when it is not that.
std::optional<std::pair<int, int>> ParseDayWindow(std::string_view text);
// "2026-12-25"; nullopt when it is not a date.
std::optional<std::chrono::year_month_day> ParseCalendarDate(std::string_view text);

Loaded<CollectorConfig> LoadCollectorConfig(const std::string& file);
Loaded<CollectorConfig> ParseCollectorConfig(const std::string& text, const std::string& file);

}  // namespace vigil::config
