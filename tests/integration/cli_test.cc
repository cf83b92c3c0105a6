// The binaries' command-line contract: --version, --help, --check-config, --once, token create.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/integration/harness.h"
#include "tests/support/exposition_parser.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace vigil::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

const std::string kAgent = VIGIL_AGENT_BINARY;
const std::string kCollector = VIGIL_COLLECTOR_BINARY;
const std::string kFixture = VIGIL_SOURCE_DIR "/tests/agent/fixtures/basic";

TEST(Cli, VersionPrintsNameAndVersion) {
  CommandResult collector = RunCommand({kCollector, "--version"});
  EXPECT_EQ(collector.exit_code, 0);
  EXPECT_THAT(collector.out, MatchesRegex("vigil-collector [0-9]+\\.[0-9]+\\.[0-9]+\n"));
  // The agent runs on customers' machines of several kinds: it says which it was built for.
  CommandResult agent = RunCommand({kAgent, "--version"});
  EXPECT_EQ(agent.exit_code, 0);
  EXPECT_THAT(
      agent.out,
      MatchesRegex(
          "vigil-agent [0-9]+\\.[0-9]+\\.[0-9]+ \\((x86_64|aarch64), (static|dynamic)\\)\n"));
}

TEST(Cli, HelpDescribesTheOptions) {
  for (const std::string& binary : {kAgent, kCollector}) {
    CommandResult run = RunCommand({binary, "--help"});
    EXPECT_EQ(run.exit_code, 0);
    EXPECT_THAT(run.out, HasSubstr("--check-config"));
    EXPECT_THAT(run.out, HasSubstr("--config FILE"));
  }
  EXPECT_THAT(RunCommand({kAgent, "--help"}).out, HasSubstr("--once"));
  EXPECT_THAT(RunCommand({kCollector, "--help"}).out, HasSubstr("token create --customer NAME"));
}

TEST(Cli, UnknownOptionIsAUsageError) {
  for (const std::string& binary : {kAgent, kCollector}) {
    CommandResult run = RunCommand({binary, "--frobnicate"});
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_THAT(run.err, HasSubstr("not expected: --frobnicate"));
  }
}

TEST(Cli, CheckConfigAcceptsTheExamplesSilently) {
  CommandResult agent = RunCommand(
      {kAgent, "--config", VIGIL_SOURCE_DIR "/config/examples/agent.yaml", "--check-config"});
  EXPECT_EQ(agent.exit_code, 0) << agent.err;
  EXPECT_EQ(agent.err, "");
  CommandResult collector =
      RunCommand({kCollector, "--config", VIGIL_SOURCE_DIR "/config/examples/collector.yaml",
                  "--check-config"});
  EXPECT_EQ(collector.exit_code, 0) << collector.err;
}

TEST(Cli, CheckConfigPrintsEveryProblemAsFileLineColumnPathMessage) {
  TempDir dir;
  const std::string file = dir.Write("agent.yaml", R"(agent: {id: web-01}
colector: {}
collector: {address: "h:1", ca_file: c, token_file: t}
health: {interval: 10}
)");
  CommandResult run = RunCommand({kAgent, "--config", file, "--check-config"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err,
            file + ":2:1: colector: unknown key \"colector\" (did you mean \"collector\"?)\n" +
                file +
                ":4:20: health.interval: invalid duration \"10\": missing or "
                "unknown unit (use ms, s, m, h or d)\n");
  const std::string collector_file = dir.Write("collector.yaml", "listen: {ingest: nowhere}\n");
  CommandResult collector = RunCommand({kCollector, "--config", collector_file, "--check-config"});
  EXPECT_EQ(collector.exit_code, 2);
  EXPECT_THAT(collector.err, HasSubstr(collector_file + ":1:18: listen.ingest: invalid address"));
  EXPECT_THAT(collector.err, HasSubstr(collector_file + ":1:1: tls: required, but missing"));
}

TEST(Cli, CheckConfigChecksTheRuleFilesToo) {
  TempDir dir;
  dir.Write("rules.d/host.yaml", "rules:\n  - name: HighLoad\n    expr: node_load1 >> 4\n");
  const std::string file = dir.Write(
      "collector.yaml", "tls: {cert_file: c.pem, key_file: c.key}\nrules: [rules.d/*.yaml]\n");
  CommandResult run = RunCommand({kCollector, "--config", file, "--check-config"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, dir.File("rules.d/host.yaml") +
                         ":3:23: rules[0].expr: expected an expression, found \">\"\n");
}

TEST(Cli, CheckConfigReadsNotificationSecretsAndMatchers) {
  TempDir dir;
  dir.Write("plain.whsec", "not-a-webhook-secret\n");
  const std::string file = dir.Write("collector.yaml", R"(tls: {cert_file: c.pem, key_file: c.key}
notifications:
  receivers:
    - {name: a, type: webhook, url: "http://x", secret_file: plain.whsec}
    - {name: b, type: pagerduty, routing_key_file: missing.key}
  route:
    receiver: a
    routes: [{matchers: ['severity=~"(high"'], receiver: b}]
)");
  CommandResult run = RunCommand({kCollector, "--config", file, "--check-config"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err,
              HasSubstr(file + ":4:7: notifications.receivers[0].secret_file: " +
                        dir.File("plain.whsec") + ": a webhook secret starts with whsec_"));
  EXPECT_THAT(run.err,
              HasSubstr(file + ":5:7: notifications.receivers[1].routing_key_file: cannot read"));
  EXPECT_THAT(run.err, HasSubstr(file + ":8:26: notifications.route.routes[0].matchers[0]: "
                                        "invalid regular expression"));
  EXPECT_THAT(run.err, ::testing::Not(HasSubstr("not-a-webhook-secret")));
}

TEST(Cli, CheckConfigKnowsTheTimeZonesOfSlaCalendars) {
  TempDir dir;
  const std::string file = dir.Write("collector.yaml", R"(tls: {cert_file: c.pem, key_file: c.key}
sla:
  calendars:
    office: {timezone: Europe/Atlantis, hours: {mon: ["09:00-18:00"]}}
)");
  CommandResult run = RunCommand({kCollector, "--config", file, "--check-config"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, file + ":4:13: sla.calendars.office: unknown time zone \"Europe/Atlantis\"\n");
}

// A config for --once: the uplink settings must be valid but are never used. The security scan
// of the live host is left to the tests about it.
std::string OnceConfig(const TempDir& dir) {
  return dir.Write("agent.yaml",
                   "agent: {id: once}\ncollector: {address: \"127.0.0.1:1\", "
                   "ca_file: none.pem, token_file: none.token}\nhealth: {root: " +
                       kFixture + "}\nsecurity: {enabled: false}\n");
}

TEST(Cli, OncePrintsOneCollectionAsPrometheusTextWithoutConnecting) {
  TempDir dir;
  CommandResult run = RunCommand({kAgent, "--config", OnceConfig(dir), "--once"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ParsedExposition exposition = ParseExposition(run.out);
  EXPECT_EQ(exposition.Value("node_load1"), 0.20);
  EXPECT_EQ(exposition.Value("node_boot_time_seconds"), 1062191376);
  EXPECT_EQ(exposition.Value("vigil_agent_collector_success", {{"collector", "meminfo"}}), 1);
  EXPECT_FALSE(std::filesystem::exists(dir.File("spool.db")));
}

TEST(Cli, OnceOutputOfThisHostPassesPromtool) {
  TempDir dir;
  // The whole agent: health, and the security scan of this host with a certificate to watch.
  const std::string config =
      dir.Write("agent.yaml",
                "agent: {id: once}\ncollector: {address: \"127.0.0.1:1\", ca_file: x, "
                "token_file: y}\nspool: {path: spool/spool.db}\n"
                "security: {budget: {files_per_second: 1000000}, checks: {\"tls.cert_expiry\": "
                "{files: [" +
                    std::string(VIGIL_SOURCE_DIR) +
                    "/tests/agent/fixtures/security/hardened/etc/ssl/shop.pem]}}}\n");
  CommandResult run = RunCommand({kAgent, "--config", config, "--once"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(PromtoolProblems(dir, run.out), ::testing::IsEmpty());
  EXPECT_NE(run.out.find("node_filesystem_size_bytes{"), std::string::npos);
  EXPECT_NE(run.out.find("vigil_security_check_passed{check=\"accounts.uid0\"}"),
            std::string::npos);
  EXPECT_NE(run.out.find("vigil_tls_cert_not_after_timestamp_seconds{"), std::string::npos);
  // --once changes no state.
  EXPECT_FALSE(std::filesystem::exists(dir.File("spool")));
}

TEST(Cli, OnceOnlySecurityPrintsFindingsAsJson) {
  TempDir dir;
  const std::string tree = dir.File("host");
  std::filesystem::copy(
      std::string(VIGIL_SOURCE_DIR) + "/tests/agent/fixtures/security/vulnerable", tree,
      std::filesystem::copy_options::recursive | std::filesystem::copy_options::copy_symlinks);
  const std::string config =
      dir.Write("agent.yaml",
                "agent: {id: once}\ncollector: {address: \"127.0.0.1:1\", ca_file: x, "
                "token_file: y}\nspool: {path: spool/spool.db}\nsecurity: {root: " +
                    tree + "}\n");
  CommandResult run =
      RunCommand({kAgent, "--config", config, "--once", "--only", "security", "--format", "json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const nlohmann::json out = nlohmann::json::parse(run.out);
  bool uid0 = false;
  for (const auto& finding : out["findings"]) {
    for (const char* field : {"check", "severity", "title", "evidence", "remediation", "key"}) {
      EXPECT_TRUE(finding[field].is_string() && !finding[field].get<std::string>().empty())
          << field << " in " << finding.dump();
    }
    if (finding["check"] == "accounts.uid0" && finding["key"] == "toor") uid0 = true;
  }
  EXPECT_TRUE(uid0) << run.out;
  for (const auto& family : out["metrics"]) {
    EXPECT_EQ(family["name"].get<std::string>().rfind("node_", 0), std::string::npos)
        << "--only security printed health";
  }
}

TEST(Cli, BaselineAcceptTakesTheHostAsItIsNow) {
  TempDir dir;
  const std::string tree = dir.File("host");
  std::filesystem::copy(std::string(VIGIL_SOURCE_DIR) + "/tests/agent/fixtures/security/hardened",
                        tree, std::filesystem::copy_options::recursive);
  const std::string config =
      dir.Write("agent.yaml",
                "agent: {id: once}\ncollector: {address: \"127.0.0.1:1\", ca_file: x, "
                "token_file: y}\nspool: {path: spool/spool.db}\nsecurity: {root: " +
                    tree + ", checks: {\"fim.changed\": {paths: [/etc/passwd]}}}\n");
  CommandResult accepted = RunCommand({kAgent, "--config", config, "baseline", "accept"});
  ASSERT_EQ(accepted.exit_code, 0) << accepted.err;
  EXPECT_THAT(accepted.out, HasSubstr("baseline of fim.changed"));
  EXPECT_TRUE(std::filesystem::exists(dir.File("spool/security/fim.tsv")));
  dir.Write("host/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n");
  CommandResult drifted =
      RunCommand({kAgent, "--config", config, "--once", "--only", "security", "--format", "json"});
  ASSERT_EQ(drifted.exit_code, 0) << drifted.err;
  EXPECT_THAT(drifted.out, HasSubstr("Watched file /etc/passwd changed"));
  EXPECT_EQ(RunCommand({kAgent, "--config", config, "baseline", "accept", "fim.changed"}).exit_code,
            0);
  CommandResult settled =
      RunCommand({kAgent, "--config", config, "--once", "--only", "security", "--format", "json"});
  EXPECT_THAT(settled.out, ::testing::Not(HasSubstr("Watched file")));
  EXPECT_EQ(RunCommand({kAgent, "--config", config, "baseline", "accept", "ssh.nothing"}).exit_code,
            2);
}

TEST(Cli, OnceRunsEveryProbeOnce) {
  TempDir dir;
  const std::string config = dir.Write(
      "agent.yaml",
      "agent: {id: once}\ncollector: {address: \"127.0.0.1:1\", ca_file: x, "
      "token_file: y}\nhealth: {root: " +
          kFixture +
          "}\n"
          "probes: [{name: nothing, type: tcp, address: \"127.0.0.1:1\", timeout: 2s}]\n");
  CommandResult run = RunCommand({kAgent, "--config", config, "--once"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ParsedExposition exposition = ParseExposition(run.out);
  EXPECT_EQ(exposition.Value("vigil_probe_success", {{"probe", "nothing"}, {"type", "tcp"}}), 0);
  EXPECT_EQ(exposition.Value("node_load1"), 0.20);
}

TEST(Cli, OnceCanPrintJson) {
  TempDir dir;
  CommandResult run =
      RunCommand({kAgent, "--config", OnceConfig(dir), "--once", "--format", "json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const nlohmann::json families = nlohmann::json::parse(run.out)["metrics"];
  bool found = false;
  for (const auto& family : families) {
    if (family["name"] == "node_load5") {
      found = true;
      EXPECT_EQ(family["type"], "gauge");
      EXPECT_EQ(family["series"][0]["value"], 0.18);
    }
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(
      RunCommand({kAgent, "--config", OnceConfig(dir), "--once", "--format", "xml"}).exit_code, 2);
}

TEST(Cli, TokenCreatePrintsTheTokenAloneOnStdout) {
  TempDir dir;
  const std::string config = dir.Write(
      "collector.yaml", "tls: {cert_file: c.pem, key_file: c.key}\nstore: {sqlite: db/vigil.db}\n");
  CommandResult run =
      RunCommand({kCollector, "--config", config, "token", "create", "--customer", "acme"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, MatchesRegex("vgl_[A-Za-z0-9_-]{43}\n"));
  EXPECT_THAT(run.err, HasSubstr("for customer acme"));
}

}  // namespace
}  // namespace vigil::testing
