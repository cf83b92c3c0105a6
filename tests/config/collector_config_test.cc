#include "config/collector_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace vigil::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr const char* kMinimal = "tls: {cert_file: c.pem, key_file: c.key}\n";

std::vector<std::string> Problems(const std::string& text) {
  std::vector<std::string> lines;
  for (const Diagnostic& d : ParseCollectorConfig(text, "/etc/vigil/collector.yaml").problems) {
    lines.push_back(FormatDiagnostic(d));
  }
  return lines;
}

TEST(CollectorConfig, ExampleFilePassesTheCheck) {
  Loaded<CollectorConfig> loaded =
      LoadCollectorConfig(VIGIL_SOURCE_DIR "/config/examples/collector.yaml");
  EXPECT_THAT(loaded.problems, IsEmpty());
  EXPECT_EQ(loaded.config.listen.ingest, "0.0.0.0:9700");
}

TEST(CollectorConfig, MinimalFileGetsDocumentedDefaults) {
  Loaded<CollectorConfig> loaded = ParseCollectorConfig(kMinimal, "/etc/vigil/collector.yaml");
  ASSERT_THAT(loaded.problems, IsEmpty());
  EXPECT_EQ(loaded.config.listen.http, "127.0.0.1:9701");
  EXPECT_EQ(loaded.config.tls.cert_file, "/etc/vigil/c.pem");
  EXPECT_EQ(loaded.config.store.sqlite, "/var/lib/vigil-collector/vigil.db");
  EXPECT_EQ(loaded.config.limits.max_frame_bytes, 4u << 20);
  EXPECT_EQ(loaded.config.limits.idle_timeout, std::chrono::seconds(90));
}

TEST(CollectorConfig, SeverityWordsAndExternalLabelsForPrometheusRules) {
  Loaded<CollectorConfig> loaded =
      ParseCollectorConfig(std::string(kMinimal) +
                               "rule_severity_labels: {page: critical, ticket: low}\n"
                               "external_labels: {region: eu-west}\n",
                           "/etc/vigil/collector.yaml");
  ASSERT_THAT(loaded.problems, IsEmpty());
  EXPECT_EQ(loaded.config.rule_severity_labels.at("page"), Severity::kCritical);
  EXPECT_EQ(loaded.config.rule_severity_labels.at("ticket"), Severity::kLow);
  EXPECT_EQ(loaded.config.external_labels.at("region"), "eu-west");
  EXPECT_THAT(Problems(std::string(kMinimal) +
                       "rule_severity_labels: {page: urgent}\nexternal_labels: {bad-name: x}\n"),
              ElementsAre(HasSubstr("rule_severity_labels.page: expected critical, high, medium "
                                    "or low, got \"urgent\""),
                          HasSubstr("external_labels.bad-name: \"bad-name\" is not a label name")));
}

TEST(CollectorConfig, TlsIsRequired) {
  EXPECT_THAT(Problems("listen: {http: 127.0.0.1:9701}\n"),
              ElementsAre(HasSubstr("tls: required, but missing")));
  EXPECT_THAT(Problems("tls: {cert_file: c.pem}\n"),
              ElementsAre(HasSubstr("tls.key_file: required, but missing")));
}

TEST(CollectorConfig, PostgresStoreIsNotAvailableYet) {
  EXPECT_THAT(Problems(std::string(kMinimal) + "store: {postgres: \"host=db\"}\n"),
              ElementsAre(HasSubstr("store.postgres: the PostgreSQL store is not available")));
}

TEST(CollectorConfig, ListenAddressesMayUsePortZeroButMustHaveAPort) {
  EXPECT_THAT(Problems(std::string(kMinimal) + "listen: {ingest: \"127.0.0.1:0\"}\n"), IsEmpty());
  EXPECT_THAT(Problems(std::string(kMinimal) + "listen: {ingest: 0.0.0.0}\n"),
              ElementsAre(HasSubstr("listen.ingest: invalid address \"0.0.0.0\"")));
}

TEST(CollectorConfig, LimitsAreCheckedForRangeAndUnits) {
  EXPECT_THAT(Problems(std::string(kMinimal) +
                       "limits: {max_connections: 0, max_frame_size: 10B, idle_timeout: 500ms, "
                       "max_http_request_size: 2GiB1, max_sources_per_agent: 2}\n"),
              ElementsAre(HasSubstr("limits.max_connections: must be between 1 and"),
                          HasSubstr("limits.max_frame_size: must be at least 4096 bytes"),
                          HasSubstr("limits.idle_timeout: must be at least 1s"),
                          HasSubstr("limits.max_http_request_size: invalid size"),
                          HasSubstr("limits.max_sources_per_agent: must be between 4 and 1000")));
}

TEST(CollectorConfig, UnknownLimitGetsASuggestion) {
  EXPECT_THAT(Problems(std::string(kMinimal) + "limits: {max_conections: 5}\n"),
              ElementsAre(HasSubstr("did you mean \"max_connections\"?")));
}

TEST(CollectorConfig, ThreadsOutOfRangeIsRejected) {
  EXPECT_THAT(Problems(std::string(kMinimal) + "threads: 1000\n"),
              ElementsAre(HasSubstr("threads: must be between 0 and 256")));
}

TEST(CollectorConfig, LaterSectionsAreAcceptedAndNotedWhenTheyHoldSomething) {
  Loaded<CollectorConfig> loaded = ParseCollectorConfig(
      std::string(kMinimal) +
          "rules: [rules.d/*.yaml]\nnotifications: {receivers: [], route: {}}\nsla: {policies: "
          "[]}\n",
      "/c.yaml");
  ASSERT_THAT(loaded.problems, IsEmpty());
  EXPECT_THAT(loaded.config.not_yet_supported, IsEmpty());
  EXPECT_THAT(loaded.config.rule_files, ElementsAre("/rules.d/*.yaml"));
}

TEST(CollectorConfig, NotificationsAreRead) {
  Loaded<CollectorConfig> loaded = ParseCollectorConfig(std::string(kMinimal) + R"(notifications:
  delivery: {timeout: 5s, max_age: 30m}
  external_url: "https://vigil.example.com"
  receivers:
    - {name: oncall, type: webhook, url: "https://hooks.example.com/vigil", secret_file: oncall.whsec}
    - {name: rotating, type: webhook, url_file: hook.url, secret_files: [new.whsec, old.whsec]}
    - {name: am-compat, type: webhook, url: "https://x", format: alertmanager}
    - {name: pd, type: pagerduty, routing_key_file: pd.key}
    - {name: chat, type: slack, url_file: slack.url}
    - {name: am, type: alertmanager, url: "http://alertmanager:9093"}
  route:
    receiver: oncall
    send_resolved: true
    repeat_interval: 4h
    escalate: [{after: 15m, receiver: pd}]
    routes:
      - {matchers: ['customer="acme"', 'severity=~"critical|high"'], receiver: pd, continue: true}
      - {receiver: chat, continue: true}
)",
                                                        "/etc/vigil/collector.yaml");
  ASSERT_THAT(loaded.problems, IsEmpty());
  const auto& n = loaded.config.notifications;
  EXPECT_EQ(n.timeout, std::chrono::seconds(5));
  EXPECT_EQ(n.max_age, std::chrono::minutes(30));
  ASSERT_EQ(n.receivers.size(), 6u);
  EXPECT_EQ(n.receivers[0].secret_files, std::vector<std::string>{"/etc/vigil/oncall.whsec"});
  EXPECT_EQ(n.receivers[1].secret_files.size(), 2u);
  EXPECT_EQ(n.receivers[2].format, "alertmanager");
  EXPECT_EQ(n.receivers[3].routing_key_file, "/etc/vigil/pd.key");
  ASSERT_TRUE(n.route.has_value());
  EXPECT_EQ(n.route->escalate[0].after, std::chrono::minutes(15));
  ASSERT_EQ(n.route->routes.size(), 2u);
  EXPECT_TRUE(n.route->routes[1].matchers.empty());  // Alertmanager's fan-out: matches everything
  EXPECT_EQ(n.route->routes[0].matchers[1].text, "severity=~\"critical|high\"");
  EXPECT_EQ(n.route->routes[0].matchers[1].where.line, 18);
  EXPECT_TRUE(n.route->routes[0].continue_matching);
}

TEST(CollectorConfig, NotificationMistakesAreEachReported) {
  EXPECT_THAT(Problems(std::string(kMinimal) + R"(notifications:
  receivers:
    - {name: a, type: email, url: "https://x"}
    - {name: b, type: webhook}
    - {name: b, type: slack, url: "ftp://x"}
    - {name: c, type: pagerduty, url: "https://x", format: alertmanager}
  route:
    receiver: nobody
    escalate: [{after: 5m, receiver: ghost}]
    routes: [{receiver: b}]
)"),
              ElementsAre(HasSubstr("notifications.receivers[0].type: expected webhook, slack"),
                          HasSubstr("receivers[1]: a webhook receiver needs url or url_file"),
                          HasSubstr("receivers[2].name: another receiver is named \"b\""),
                          HasSubstr("receivers[2].url: must start with http:// or https://"),
                          HasSubstr("receivers[3].routing_key_file: required"),
                          HasSubstr("receivers[3].format: applies to webhook receivers only"),
                          HasSubstr("route.receiver: no receiver is named \"nobody\""),
                          HasSubstr("route.escalate[0].receiver: no receiver is named \"ghost\"")));
}

TEST(CollectorConfig, SlaCalendarsAndPoliciesAreRead) {
  Loaded<CollectorConfig> loaded = ParseCollectorConfig(std::string(kMinimal) + R"(sla:
  calendars:
    berlin-office:
      timezone: Europe/Berlin
      hours: {mon: ["09:00-18:00"], tue: ["09:00-18:00"], wed: ["09:00-18:00"], thu: ["09:00-18:00"], fri: ["09:00-13:00", "14:00-18:00"]}
      holidays: [2026-04-03, 2026-04-06, 2026-12-25]
  policies:
    - customer: acme
      calendar: berlin-office
      pause_statuses: [pending_customer]
      at_risk: 0.8
      targets:
        - {kind: incident, severity: critical, response: 15m, resolution: 4h, calendar: 24x7}
        - {kind: fault, severity: high, response: 1h, resolution: 8h}
        - {kind: consultation, response: 4h, resolution: 16h}
    - {customer: "*", targets: [{kind: fault, response: 4h, resolution: 5h30m}]}
)",
                                                        "/c.yaml");
  ASSERT_THAT(loaded.problems, IsEmpty());
  const auto& sla = loaded.config.sla;
  ASSERT_EQ(sla.calendars.size(), 1u);
  EXPECT_EQ(sla.calendars[0].timezone, "Europe/Berlin");
  EXPECT_THAT(sla.calendars[0].hours[4], ElementsAre("09:00-13:00", "14:00-18:00"));
  EXPECT_TRUE(sla.calendars[0].hours[5].empty());
  EXPECT_EQ(sla.calendars[0].holidays.size(), 3u);
  ASSERT_EQ(sla.policies.size(), 2u);
  EXPECT_EQ(sla.policies[0].targets[0].calendar, "24x7");
  EXPECT_EQ(sla.policies[0].targets[2].severity, "");
  EXPECT_EQ(sla.policies[1].targets[0].resolution, std::chrono::minutes(330));
  EXPECT_EQ(sla.policies[1].calendar, "24x7");
}

TEST(CollectorConfig, SlaMistakesAreEachReported) {
  EXPECT_THAT(
      Problems(std::string(kMinimal) + R"(sla:
  calendars:
    office:
      timezone: Europe/Berlin
      hours: {mon: ["18:00-09:00", "09:00-12:00", "11:00-13:00"], sunday: ["10:00-11:00"]}
      holidays: [2026-02-30]
  policies:
    - customer: acme
      calendar: nowhere
      pause_statuses: [resolved]
      at_risk: 1.5
      targets:
        - {kind: fault, severity: high, response: 1h, resolution: 8h}
        - {kind: fault, severity: high, response: 1h, resolution: 30m}
        - {kind: question, response: 1h, resolution: 2h}
    - {customer: acme, targets: []}
)"),
      ElementsAre(
          HasSubstr("got \"18:00-09:00\""),
          HasSubstr("the window \"11:00-13:00\" overlaps another"),
          HasSubstr("sla.calendars.office.hours.sunday: unknown key"),
          HasSubstr("expected a date like 2026-12-25, got \"2026-02-30\""),
          HasSubstr("sla.policies[0].calendar: no calendar is named \"nowhere\""),
          HasSubstr("sla.policies[0].pause_statuses[0]: expected a status of an open report"),
          HasSubstr("sla.policies[0].at_risk: expected a share above 0"),
          HasSubstr("sla.policies[0].targets[1]: another target of this policy is for fault, high"),
          HasSubstr("sla.policies[0].targets[1].resolution: is shorter than the response"),
          HasSubstr("sla.policies[0].targets[2].kind: expected incident, fault"),
          HasSubstr("sla.policies[1].customer: another policy is for \"acme\"")));
}

TEST(CollectorConfig, BuiltinRulesAreTunable) {
  Loaded<CollectorConfig> loaded = ParseCollectorConfig(
      std::string(kMinimal) +
          "builtin_rules: {agent_down_after: 30s, AgentDown: {severity: critical, for: 10s},"
          " AgentStopped: {enabled: false}}\n",
      "/c.yaml");
  ASSERT_THAT(loaded.problems, IsEmpty());
  EXPECT_EQ(loaded.config.builtin_rules.agent_down_after, std::chrono::seconds(30));
  EXPECT_EQ(loaded.config.builtin_rules.agent_down.severity, "critical");
  EXPECT_EQ(loaded.config.builtin_rules.agent_down.for_duration, std::chrono::seconds(10));
  EXPECT_FALSE(loaded.config.builtin_rules.agent_stopped.enabled);
  EXPECT_EQ(loaded.config.builtin_rules.probe_failing.severity, "high");
  EXPECT_THAT(Problems(std::string(kMinimal) +
                       "builtin_rules: {AgentDown: {severity: urgent}, Probefailing: {}}\n"),
              ElementsAre(HasSubstr("builtin_rules.AgentDown.severity: expected critical, high"),
                          HasSubstr("did you mean \"ProbeFailing\"?")));
}

TEST(CollectorConfig, AnHttpListenerOffLoopbackNeedsTls) {
  EXPECT_THAT(Problems(std::string(kMinimal) + "listen: {http: \"0.0.0.0:9701\"}\n"),
              ElementsAre(HasSubstr("listen.http: the HTTP listener carries API tokens")));
  EXPECT_THAT(Problems(std::string(kMinimal) +
                       "listen: {http: \"0.0.0.0:9701\", http_tls: {cert_file: h.pem, key_file: "
                       "h.key}}\n"),
              IsEmpty());
  EXPECT_THAT(Problems(std::string(kMinimal) + "listen: {http: \"[::1]:9701\"}\n"), IsEmpty());
  EXPECT_THAT(Problems(std::string(kMinimal) + "listen: {http_tls: {cert_file: h.pem}}\n"),
              ElementsAre(HasSubstr("listen.http_tls.key_file: required")));
}

}  // namespace
}  // namespace vigil::config
