#include "config/agent_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/temp_dir.h"

namespace vigil::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr const char* kMinimal = R"(agent: {id: web-01}
collector:
  address: collector.example.com:9700
  ca_file: ca.pem
  token_file: agent.token
)";

std::vector<std::string> Problems(const std::string& text) {
  std::vector<std::string> lines;
  for (const Diagnostic& d : ParseAgentConfig(text, "/etc/vigil/agent.yaml").problems) {
    lines.push_back(FormatDiagnostic(d));
  }
  return lines;
}

TEST(AgentConfig, ExampleFilePassesTheCheck) {
  Loaded<AgentConfig> loaded = LoadAgentConfig(VIGIL_SOURCE_DIR "/config/examples/agent.yaml");
  EXPECT_THAT(loaded.problems, IsEmpty());
  EXPECT_EQ(loaded.config.id, "web-01");
  EXPECT_EQ(loaded.config.labels.at("role"), "web");
}

TEST(AgentConfig, MinimalFileGetsDocumentedDefaults) {
  Loaded<AgentConfig> loaded = ParseAgentConfig(kMinimal, "/etc/vigil/agent.yaml");
  ASSERT_THAT(loaded.problems, IsEmpty());
  const AgentConfig& config = loaded.config;
  EXPECT_EQ(config.collector.server_name, "collector.example.com");
  EXPECT_EQ(config.health.interval, std::chrono::seconds(10));
  EXPECT_EQ(config.spool.max_bytes, 256ULL << 20);
  EXPECT_EQ(config.spool.path, "/var/lib/vigil-agent/spool.db");
}

TEST(AgentConfig, RelativePathsAreRelativeToTheConfigFile) {
  Loaded<AgentConfig> loaded = ParseAgentConfig(kMinimal, "/etc/vigil/agent.yaml");
  EXPECT_EQ(loaded.config.collector.ca_file, "/etc/vigil/ca.pem");
  EXPECT_EQ(loaded.config.collector.token_file, "/etc/vigil/agent.token");
}

TEST(AgentConfig, AddressListIsTriedInOrder) {
  Loaded<AgentConfig> loaded = ParseAgentConfig(
      R"(collector: {address: [a.example:9700, "[::1]:9700"], ca_file: c, token_file: t}
agent: {id: x})",
      "/a.yaml");
  ASSERT_THAT(loaded.problems, IsEmpty());
  EXPECT_THAT(loaded.config.collector.addresses, ElementsAre("a.example:9700", "[::1]:9700"));
}

TEST(AgentConfig, UnknownKeyIsAnErrorWithASuggestion) {
  EXPECT_THAT(Problems(std::string(kMinimal) + "colector: {}\n"),
              ElementsAre("/etc/vigil/agent.yaml:6:1: colector: unknown key \"colector\" (did "
                          "you mean \"collector\"?)"));
}

TEST(AgentConfig, UnknownNestedKeyNamesItsPath) {
  EXPECT_THAT(Problems(std::string(kMinimal) + "spool: {max_byte: 1MiB}\n"),
              ElementsAre(HasSubstr(":6:9: spool.max_byte: unknown key \"max_byte\" (did you "
                                    "mean \"max_bytes\"?)")));
}

TEST(AgentConfig, UnknownKeyFarFromAnyKnownOneGetsNoSuggestion) {
  EXPECT_THAT(Problems(std::string(kMinimal) + "zzzzzz: 1\n"),
              ElementsAre(HasSubstr("unknown key \"zzzzzz\"")));
  EXPECT_THAT(Problems(std::string(kMinimal) + "zzzzzz: 1\n"),
              ElementsAre(::testing::Not(HasSubstr("did you mean"))));
}

TEST(AgentConfig, YamlSyntaxErrorNamesLineAndColumn) {
  EXPECT_THAT(Problems("agent: {id: web-01\ncollector: [\n"),
              ElementsAre(HasSubstr("/etc/vigil/agent.yaml:2:10: YAML syntax:")));
}

TEST(AgentConfig, EmptyFileSaysWhatIsNeeded) {
  EXPECT_THAT(Problems(""), ElementsAre(HasSubstr("the file is empty")));
}

TEST(AgentConfig, MissingRequiredKeysAreEachReported) {
  EXPECT_THAT(Problems("agent: {id: a}\ncollector: {server_name: x}\n"),
              ElementsAre(HasSubstr("collector.address: required, but missing"),
                          HasSubstr("collector.ca_file: required, but missing"),
                          HasSubstr("collector.token_file: required, but missing")));
  EXPECT_THAT(Problems("agent: {id: a}\n"),
              ElementsAre(HasSubstr("collector: required, but missing")));
}

TEST(AgentConfig, DurationWithoutUnitIsRejected) {
  EXPECT_THAT(Problems(std::string(kMinimal) + "health: {interval: 10}\n"),
              ElementsAre(HasSubstr(":6:20: health.interval: invalid duration \"10\"")));
}

TEST(AgentConfig, DurationBelowTheMinimumIsRejected) {
  EXPECT_THAT(Problems(std::string(kMinimal) + "health: {interval: 10ms}\n"),
              ElementsAre(HasSubstr("health.interval: must be at least 1s")));
}

TEST(AgentConfig, SizeWithoutUnitOrTooSmallIsRejected) {
  EXPECT_THAT(Problems(std::string(kMinimal) + "spool: {max_bytes: 1024}\n"),
              ElementsAre(HasSubstr("spool.max_bytes: invalid size \"1024\"")));
  EXPECT_THAT(Problems(std::string(kMinimal) + "spool: {max_bytes: 1KiB}\n"),
              ElementsAre(HasSubstr("spool.max_bytes: must be at least 65536 bytes")));
}

TEST(AgentConfig, AddressWithoutPortOrWithPortZeroIsRejected) {
  EXPECT_THAT(
      Problems("agent: {id: a}\ncollector: {address: [h, \"h:0\"], ca_file: c, token_file: t}\n"),
      ElementsAre(HasSubstr("collector.address[0]: invalid address \"h\": expected host:port"),
                  HasSubstr("collector.address[1]: port 0 is not a valid destination")));
}

TEST(AgentConfig, InvalidAgentIdIsRejected) {
  EXPECT_THAT(Problems("agent: {id: \"web 01\"}\ncollector: {address: h:1, ca_file: c, "
                       "token_file: t}\n"),
              ElementsAre(HasSubstr("agent.id: must be 1 to 128 characters")));
}

TEST(AgentConfig, LabelNamesMustBeValidAndNotReserved) {
  EXPECT_THAT(
      Problems(R"(agent: {id: a, labels: {customer: x, 1bad: y, __x: z, ok_name: v}}
collector: {address: h:1, ca_file: c, token_file: t})"),
      ElementsAre(HasSubstr("agent.labels.customer: \"customer\" is set by the collector"),
                  HasSubstr("agent.labels.1bad: \"1bad\" is not a valid Prometheus label name"),
                  HasSubstr("agent.labels.__x: \"__x\" is not a valid Prometheus label name")));
}

TEST(AgentConfig, WrongKindOfValueIsRejected) {
  EXPECT_THAT(Problems(std::string(kMinimal) + "health: [1, 2]\n"),
              ElementsAre(HasSubstr("health: expected a mapping of keys to values")));
  EXPECT_THAT(Problems(std::string(kMinimal) + "health: {root: {a: b}}\n"),
              ElementsAre(HasSubstr("health.root: expected a single value, not a mapping")));
}

TEST(AgentConfig, CertificateWithoutKeyIsRejected) {
  EXPECT_THAT(Problems("agent: {id: a}\ncollector: {address: h:1, ca_file: c, token_file: t, "
                       "cert_file: agent.pem}\n"),
              ElementsAre(HasSubstr("collector.cert_file: cert_file and key_file go together")));
}

TEST(AgentConfig, ReconnectMaxBelowInitialIsRejected) {
  EXPECT_THAT(Problems("agent: {id: a}\ncollector: {address: h:1, ca_file: c, token_file: t, "
                       "reconnect: {initial: 10s, max: 1s}}\n"),
              ElementsAre(HasSubstr("collector.reconnect.max: must not be less than")));
}

TEST(AgentConfig, NumberOutOfRangeIsRejected) {
  EXPECT_THAT(Problems("agent: {id: a}\ncollector: {address: h:1, ca_file: c, token_file: t, "
                       "max_in_flight: 0}\n"),
              ElementsAre(HasSubstr("collector.max_in_flight: must be between 1 and 1024")));
  EXPECT_THAT(Problems("agent: {id: a}\ncollector: {address: h:1, ca_file: c, token_file: t, "
                       "max_in_flight: lots}\n"),
              ElementsAre(HasSubstr("expected a whole number, got \"lots\"")));
}

TEST(AgentConfig, DuplicateKeyIsRejected) {
  EXPECT_THAT(Problems(std::string(kMinimal) + "log: {level: info}\nlog: {level: debug}\n"),
              ::testing::Contains(HasSubstr(":7:1: log: duplicate key")));
}

TEST(AgentConfig, UnknownLogLevelIsRejected) {
  EXPECT_THAT(Problems(std::string(kMinimal) + "log: {level: loud}\n"),
              ElementsAre(HasSubstr("log.level: expected error, warning, info or debug")));
}

TEST(AgentConfig, EveryProblemIsReportedInFileOrder) {
  EXPECT_THAT(Problems(R"(agent: {id: "bad id"}
colector: {}
collector: {address: nope, ca_file: c, token_file: t}
health: {interval: soon}
)"),
              ElementsAre(HasSubstr(":1:"), HasSubstr(":2:1: colector"),
                          HasSubstr(":3:22: collector.address"), HasSubstr(":4:20:")));
}

TEST(AgentConfig, HealthCollectorsAndTheirOptionsAreRead) {
  Loaded<AgentConfig> loaded = ParseAgentConfig(std::string(kMinimal) + R"(health:
  collectors: {systemd_units: true, vmstat: false}
)",
                                                "/etc/vigil/agent.yaml");
  EXPECT_THAT(FormatDiagnostic(loaded.problems.at(0)),
              HasSubstr("health.collectors.systemd_units: unknown collector"));
  loaded = ParseAgentConfig(std::string(kMinimal) + R"(health:
  collectors: {vmstat: false}
  textfile: {directory: textfiles}
  netdev: {device_exclude: "^(lo|veth.*)$"}
)",
                            "/etc/vigil/agent.yaml");
  ASSERT_THAT(loaded.problems, IsEmpty());
  EXPECT_FALSE(CollectorEnabled(loaded.config.health, "vmstat"));
  EXPECT_TRUE(CollectorEnabled(loaded.config.health, "cpu"));
  EXPECT_EQ(loaded.config.health.textfile_directory, "/etc/vigil/textfiles");
  EXPECT_EQ(loaded.config.health.netdev.device_exclude, "^(lo|veth.*)$");
}

TEST(AgentConfig, InvalidRegularExpressionsAreRejected) {
  EXPECT_THAT(Problems(std::string(kMinimal) + "health: {netstat: {fields: \"(unclosed\"}}\n"),
              ElementsAre(HasSubstr("health.netstat.fields: invalid regular expression")));
}

TEST(AgentConfig, SecurityChecksTakeTheirOwnParameters) {
  Loaded<AgentConfig> loaded = ParseAgentConfig(std::string(kMinimal) + R"(security:
  interval: 30m
  budget: {files_per_second: 500, max_duration: 2m, max_hash_bytes: 64MiB}
  checks:
    "tls.cert_expiry": {files: [/etc/ssl/site.pem], warn_within: 30d}
    "fim.changed": {paths: [/etc/passwd, /etc/ssh]}
    "net.listening_new": {allow: ["tcp:22", "udp:127.0.0.1:53", "tcp:*"], ephemeral_udp: true}
    "firewall.inactive": {enabled: false}
    "accounts.sudo_nopasswd": {severity: high}
)",
                                                "/a.yaml");
  ASSERT_THAT(loaded.problems, IsEmpty());
  const AgentConfig::Security& security = loaded.config.security;
  EXPECT_EQ(security.interval, std::chrono::minutes(30));
  EXPECT_EQ(security.budget.files_per_second, 500);
  EXPECT_EQ(security.budget.max_hash_bytes, 64u << 20);
  EXPECT_THAT(security.CheckFor("tls.cert_expiry").files, ElementsAre("/etc/ssl/site.pem"));
  EXPECT_EQ(security.CheckFor("tls.cert_expiry").warn_within, std::chrono::hours(24 * 30));
  EXPECT_THAT(security.CheckFor("fim.changed").paths, ElementsAre("/etc/passwd", "/etc/ssh"));
  EXPECT_FALSE(security.CheckFor("firewall.inactive").enabled);
  EXPECT_TRUE(security.CheckFor("net.listening_new").ephemeral_udp);
  EXPECT_FALSE(security.CheckFor("ssh.permit_root_login").ephemeral_udp);
  EXPECT_EQ(security.CheckFor("accounts.sudo_nopasswd").severity, "high");
  EXPECT_TRUE(security.CheckFor("ssh.permit_root_login").enabled);  // defaults
}

TEST(AgentConfig, BadSecurityChecksAreLocated) {
  EXPECT_THAT(
      Problems(std::string(kMinimal) + "security: {checks: {\"ssh.permit_rot_login\": {}}}\n"),
      ElementsAre(HasSubstr("did you mean \"ssh.permit_root_login\"")));
  EXPECT_THAT(
      Problems(std::string(kMinimal) + "security: {checks: {\"accounts.uid0\": {paths: [/x]}}}\n"),
      ElementsAre(HasSubstr("security.checks.accounts.uid0")));
  EXPECT_THAT(Problems(std::string(kMinimal) +
                       "security: {checks: {\"fim.changed\": {paths: [etc/passwd]}}}\n"),
              ElementsAre(HasSubstr("expected an absolute path")));
  EXPECT_THAT(Problems(std::string(kMinimal) +
                       "security: {checks: {\"net.listening_new\": {allow: [ssh]}}}\n"),
              ElementsAre(HasSubstr("expected PROTO:PORT")));
  EXPECT_THAT(Problems(std::string(kMinimal) +
                       "security: {checks: {\"sysctl.hardening\": {severity: urgent}}}\n"),
              ElementsAre(HasSubstr("expected critical, high, medium or low")));
}

TEST(AgentConfig, ProbesOfEachTypeAreRead) {
  Loaded<AgentConfig> loaded = ParseAgentConfig(std::string(kMinimal) + R"(probes:
  - {name: web, type: http, url: "https://example.com/health", expect_status: [200, 204],
     body_match: "ok", interval: 15s, timeout: 3s}
  - {name: db, type: tcp, address: "db.internal:5432", severity: critical}
  - {name: nginx, type: process, process_name: nginx, min_count: 2}
)",
                                                "/etc/vigil/agent.yaml");
  ASSERT_THAT(loaded.problems, IsEmpty());
  const auto& probes = loaded.config.probes;
  ASSERT_EQ(probes.size(), 3u);
  EXPECT_EQ(probes[0].type, AgentConfig::Probe::Type::kHttp);
  EXPECT_THAT(probes[0].expect_status, ElementsAre(200, 204));
  EXPECT_EQ(probes[0].timeout, std::chrono::seconds(3));
  EXPECT_EQ(probes[1].address, "db.internal:5432");
  EXPECT_EQ(probes[1].interval, std::chrono::seconds(30));
  EXPECT_EQ(probes[1].severity, "critical");
  EXPECT_EQ(probes[0].severity, "");
  EXPECT_EQ(probes[2].min_count, 2);
}

TEST(AgentConfig, ProbeSeverityIsOneOfTheIncidentSeverities) {
  EXPECT_THAT(Problems(std::string(kMinimal) +
                       "probes: [{name: a, type: tcp, address: \"h:1\", severity: urgent}]\n"),
              ElementsAre(HasSubstr("probes[0].severity: expected critical, high, medium or low")));
}

TEST(AgentConfig, ProbesNeedANameAndAKnownType) {
  EXPECT_THAT(Problems(std::string(kMinimal) + "probes: [{type: tcp, address: \"h:1\"}]\n"),
              ElementsAre(HasSubstr("probes[0].name: required")));
  EXPECT_THAT(Problems(std::string(kMinimal) + "probes: [{name: x, type: ping}]\n"),
              ElementsAre(HasSubstr("probes[0].type: expected http, tcp or process")));
  EXPECT_THAT(Problems(std::string(kMinimal) + "probes: {name: web}\n"),
              ElementsAre(HasSubstr("probes: expected a list")));
}

TEST(AgentConfig, ProbeNamesAreUnique) {
  EXPECT_THAT(
      Problems(std::string(kMinimal) + "probes:\n  - {name: a, type: tcp, address: \"h:1\"}\n"
                                       "  - {name: a, type: tcp, address: \"h:2\"}\n"),
      ElementsAre(HasSubstr("probes[1].name: another probe is named \"a\"")));
}

TEST(AgentConfig, ProbeTimeoutMayNotExceedItsInterval) {
  EXPECT_THAT(Problems(std::string(kMinimal) +
                       "probes: [{name: a, type: tcp, address: \"h:1\", interval: 5s, "
                       "timeout: 10s}]\n"),
              ElementsAre(HasSubstr("probes[0].timeout: must not be longer than interval")));
}

TEST(AgentConfig, ProbeKeysMustFitTheType) {
  EXPECT_THAT(Problems(std::string(kMinimal) +
                       "probes: [{name: a, type: tcp, address: \"h:1\", url: \"http://x\"}]\n"),
              ElementsAre(HasSubstr("probes[0].url: does not apply to a tcp probe")));
  EXPECT_THAT(
      Problems(std::string(kMinimal) + "probes: [{name: a, type: http, url: \"ftp://x\"}]\n"),
      ElementsAre(HasSubstr("probes[0].url: must start with http:// or https://")));
  EXPECT_THAT(Problems(std::string(kMinimal) +
                       "probes: [{name: a, type: http, url: \"http://x\", expect_status: [99]}]\n"),
              ElementsAre(HasSubstr("must be between 100 and 599")));
  EXPECT_THAT(Problems(std::string(kMinimal) + "probes: [{name: a, type: process}]\n"),
              ElementsAre(HasSubstr("needs exactly one of process_name and cmdline")));
  EXPECT_THAT(Problems(std::string(kMinimal) + "probes: [{name: a, type: tcp, address: nohost}]\n"),
              ElementsAre(HasSubstr("probes[0].address: invalid address")));
}

TEST(AgentConfig, UnreadableFileIsReported) {
  Loaded<AgentConfig> loaded = LoadAgentConfig("/nonexistent/agent.yaml");
  ASSERT_EQ(loaded.problems.size(), 1u);
  EXPECT_THAT(FormatDiagnostic(loaded.problems[0]),
              HasSubstr("/nonexistent/agent.yaml:0:0: cannot read file"));
}

TEST(AgentConfig, OversizedFileIsRefusedBeforeParsing) {
  testing::TempDir dir;
  const std::string file =
      dir.Write("agent.yaml", std::string(kMinimal) + "#" + std::string(2 << 20, 'x') + "\n");
  Loaded<AgentConfig> loaded = LoadAgentConfig(file);
  ASSERT_EQ(loaded.problems.size(), 1u);
  EXPECT_THAT(loaded.problems[0].message, HasSubstr("more than the limit of 1048576 bytes"));
}

TEST(AgentConfig, DeeplyNestedFileIsRefusedBeforeParsing) {
  const std::string deep = std::string(kMinimal) + "agent: {labels: " + std::string(5000, '[') +
                           std::string(5000, ']') + "}\n";
  EXPECT_THAT(Problems(deep), ElementsAre(HasSubstr("nesting is deeper than 32 levels")));
}

}  // namespace
}  // namespace vigil::config
