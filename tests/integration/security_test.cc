// The security scan end to end: an agent scanning a host tree the test changes, the collector
// opening a SecurityFinding incident for each change within one scan interval plus 2 s, and
// resolving it when the change is reverted.

#include <sys/stat.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/integration/harness.h"
#include "tests/support/http_client.h"
#include "tests/support/wait.h"

namespace vigil::testing {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;
namespace fs = std::filesystem;

constexpr auto kInterval = std::chrono::seconds(2);
constexpr auto kDeadline = kInterval + std::chrono::seconds(2);

class SecurityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    host_ = harness_.dir().File("host");
    fs::copy(fs::path(VIGIL_SOURCE_DIR) / "tests/agent/fixtures/security/hardened", host_,
             fs::copy_options::recursive | fs::copy_options::copy_symlinks);
    harness_.StartCollector("limits: {api_requests_per_second: 10000, api_request_burst: 10000}\n");
    viewer_ = harness_.CreateApiToken("viewer", "grafana");
    harness_.StartAgent("web-01", harness_.CreateToken("acme"),
                        "security: {interval: 2s, root: " + host_ +
                            ", checks: {\"fim.changed\": {paths: [/etc/passwd]}}}\n");
    // The first scan takes the baselines.
    ASSERT_TRUE(harness_.WaitForValue("vigil_security_check_passed",
                                      {{"agent", "web-01"}, {"check", "fim.changed"}}))
        << harness_.agent().Stderr();
  }

  std::vector<Json> Incidents(const std::string& state) {
    HttpResult result =
        HttpCall(harness_.http_port(), "GET",
                 "/api/v1/incidents?rule=SecurityFinding&state=" + state, "", viewer_);
    Json body = Json::parse(result.body, nullptr, false);
    if (!body.is_object()) return {};
    return {body["items"].begin(), body["items"].end()};
  }

  std::set<std::string> Keys(const std::vector<Json>& incidents) {
    std::set<std::string> keys;
    for (const Json& incident : incidents) {
      keys.insert(incident["labels"]["check"].get<std::string>() + " " +
                  incident["labels"]["key"].get<std::string>());
    }
    return keys;
  }

  void Write(const std::string& relative, const std::string& text) {
    std::ofstream(host_ + "/" + relative, std::ios::trunc) << text;
  }

  Harness harness_;
  std::string host_;
  std::string viewer_;
};

TEST_F(SecurityTest, ChangesBecomeIncidentsWithinAScanIntervalAndResolveWhenReverted) {
  ASSERT_TRUE(Incidents("open").empty());
  const std::string passwd = harness_.dir().File("host/etc/passwd");
  const std::string original_passwd = ReadFile(passwd);
  const std::string original_tcp = ReadFile(host_ + "/proc/net/tcp");

  // A watched file edited, a SUID bit set, a port opened.
  Write("etc/passwd", original_passwd + "intruder:x:0:0::/root:/bin/sh\n");
  ASSERT_EQ(chmod((host_ + "/usr/bin/helper").c_str(), 04755), 0);
  Write("proc/net/tcp", original_tcp +
                            "   1: 00000000:115C 00000000:0000 0A 00000000:00000000 00:00000000 "
                            "00000000     0        0 3001 1 0 100 0 0 10 0\n");
  const std::set<std::string> expected = {
      "fim.changed /etc/passwd", "files.suid_new /usr/bin/helper",
      "net.listening_new tcp:0.0.0.0:4444", "accounts.uid0 intruder"};
  EXPECT_TRUE(WaitFor([&] { return Keys(Incidents("open")) == expected; }, kDeadline))
      << "open: " << ::testing::PrintToString(Keys(Incidents("open"))) << "\n"
      << harness_.agent().Stderr();

  HttpResult findings =
      HttpCall(harness_.http_port(), "GET", "/api/v1/agents/acme/web-01/findings", "", viewer_);
  ASSERT_EQ(findings.status, 200);
  const Json listed = Json::parse(findings.body);
  ASSERT_EQ(listed["items"].size(), 4u) << findings.body;
  for (const Json& finding : listed["items"]) {
    if (finding["check"] == "fim.changed") {
      EXPECT_THAT(finding["evidence"].get<std::string>(), HasSubstr("sha256"));
      EXPECT_EQ(finding["severity"], "high");
    }
    if (finding["check"] == "accounts.uid0") {
      EXPECT_EQ(finding["severity"], "critical");
    }
  }
  // vigilctl lists the same findings, filtered.
  CommandResult critical = harness_.Vigilctl(
      {"agents", "findings", "acme", "web-01", "--severity", "critical"}, viewer_);
  EXPECT_EQ(critical.exit_code, 0) << critical.err;
  EXPECT_THAT(critical.out, HasSubstr("accounts.uid0"));
  EXPECT_THAT(critical.out, HasSubstr("intruder"));
  EXPECT_THAT(critical.out, ::testing::Not(HasSubstr("fim.changed")));
  EXPECT_EQ(
      HttpCall(harness_.http_port(), "GET", "/api/v1/agents/acme/nobody/findings", "", viewer_)
          .status,
      404);

  // Reverted: every incident resolves.
  Write("etc/passwd", original_passwd);
  ASSERT_EQ(chmod((host_ + "/usr/bin/helper").c_str(), 0755), 0);
  Write("proc/net/tcp", original_tcp);
  EXPECT_TRUE(WaitFor([&] { return Incidents("open").empty(); }, kDeadline))
      << ::testing::PrintToString(Keys(Incidents("open")));
  EXPECT_EQ(Keys(Incidents("resolved")), expected);
  HttpResult after =
      HttpCall(harness_.http_port(), "GET", "/api/v1/agents/acme/web-01/findings", "", viewer_);
  EXPECT_EQ(Json::parse(after.body)["items"].size(), 0u);
}

TEST_F(SecurityTest, AFileNameThatIsNotUtf8StillReachesTheCollector) {
  // A Latin-1 file name in a finding: the wire protocol's strings and the scan's JSON state must be
  // UTF-8. The agent used to die writing its state; and a batch the collector cannot parse would
  // be resent from the spool forever, stopping the agent's stream.
  fs::create_directories(host_ + "/usr/share");
  const std::string latin1 = host_ + "/usr/share/caf\xe9.conf";
  std::ofstream(latin1) << "x\n";
  ASSERT_EQ(chmod(latin1.c_str(), 0666), 0);
  const std::string key = "files.world_writable /usr/share/caf\xEF\xBF\xBD.conf";
  EXPECT_TRUE(WaitFor([&] { return Keys(Incidents("open")).count(key) == 1; }, kDeadline))
      << "open: " << ::testing::PrintToString(Keys(Incidents("open"))) << "\n"
      << harness_.agent().Stderr();
  // And the stream goes on: the agent's later batches are applied.
  const std::optional<double> applied =
      harness_.WaitForValue("vigil_collector_batches_applied_total", {{"agent", "web-01"}});
  ASSERT_TRUE(applied);
  EXPECT_TRUE(harness_.WaitForValue("vigil_collector_batches_applied_total", {{"agent", "web-01"}},
                                    [&](double now) { return now > *applied; }));
}

}  // namespace
}  // namespace vigil::testing
