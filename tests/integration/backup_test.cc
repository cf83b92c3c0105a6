// `vigil-collector store backup|restore|check` with the real binaries: a backup taken while an
// agent streams and incidents change, restored into a fresh collector, holds everything committed
// before it began; restore refuses while a collector runs on the store.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <atomic>
#include <csignal>
#include <map>
#include <thread>

#include "tests/integration/harness.h"
#include "tests/support/http_client.h"

namespace vigil::testing {
namespace {

using Json = nlohmann::json;
using ::testing::HasSubstr;

constexpr const char* kUnlimitedApi =
    "limits: {api_requests_per_second: 100000, api_request_burst: 100000}\n";

Json Call(const Harness& harness, const std::string& method, const std::string& target,
          const std::string& token, const Json& body = nullptr) {
  HttpResult result =
      HttpCall(harness.http_port(), method, target, body.is_null() ? "" : body.dump(), token);
  EXPECT_LT(result.status, 300) << method << " " << target << ": " << result.body;
  return Json::parse(result.body, nullptr, false);
}

CommandResult StoreCommand(const Harness& harness, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {VIGIL_COLLECTOR_BINARY, "--config",
                                   harness.dir().File("collector.yaml"), "store"};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv);
}

// Incident id → its timeline's length; report id → its history's length.
std::map<std::string, std::size_t> Timelines(const Harness& harness, const std::string& token) {
  std::map<std::string, std::size_t> lengths;
  // The pages are kept in locals: a range-for over a temporary's member would read freed memory.
  const Json incidents = Call(harness, "GET", "/api/v1/incidents?limit=1000", token);
  for (const Json& item : incidents["items"]) {
    const std::string id = item["id"];
    lengths[id] = Call(harness, "GET", "/api/v1/incidents/" + id, token)["timeline"].size();
  }
  const Json reports = Call(harness, "GET", "/api/v1/fault-reports?limit=1000", token);
  for (const Json& item : reports["items"]) {
    const std::string id = item["id"];
    lengths[id] = Call(harness, "GET", "/api/v1/fault-reports/" + id, token)["history"].size();
  }
  return lengths;
}

TEST(StoreBackup, ABackupTakenUnderWritesRestoresEverythingCommittedBeforeItIntoAFreshCollector) {
  Harness original;
  original.StartCollector(kUnlimitedApi);
  const std::string enrollment = original.CreateToken("acme");
  // An admin: opening incidents by hand takes that role. It lives in the store, so it comes along.
  const std::string ann = original.CreateApiToken("admin", "oncall-ann");
  original.StartAgent("web-01", enrollment);
  ASSERT_TRUE(original.WaitForValue("node_load1", {{"agent", "web-01"}}))
      << original.agent().Stderr();

  // Committed before the backup: incidents with notes and an acknowledgement, and fault reports.
  for (int i = 0; i < 5; ++i) {
    const std::string id = Call(original, "POST", "/api/v1/incidents", ann,
                                {{"customer", "acme"},
                                 {"severity", "high"},
                                 {"summary", "disk " + std::to_string(i)}})["id"];
    Call(original, "POST", "/api/v1/incidents/" + id + "/notes", ann,
         {{"text", "looking at disk " + std::to_string(i)}});
    if (i % 2 == 0)
      Call(original, "POST", "/api/v1/incidents/" + id + "/ack", ann, {{"note", "mine"}});
  }
  for (int i = 0; i < 3; ++i) {
    Call(original, "POST", "/api/v1/fault-reports", ann,
         {{"customer", "acme"}, {"title", "VPN drops " + std::to_string(i)}, {"severity", "high"}});
  }
  const std::map<std::string, std::size_t> before = Timelines(original, ann);
  ASSERT_EQ(before.size(), 8u);

  // Writes go on while the backup runs: new incidents, notes on the old ones.
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    for (int i = 0; !stop; ++i) {
      HttpCall(
          original.http_port(), "POST", "/api/v1/incidents",
          Json{
              {"customer", "acme"}, {"severity", "low"}, {"summary", "during " + std::to_string(i)}}
              .dump(),
          ann);
      HttpCall(original.http_port(), "POST",
               "/api/v1/incidents/" + before.begin()->first + "/notes",
               Json{{"text", "during the backup " + std::to_string(i)}}.dump(), ann);
      ++written;
    }
  });
  while (written < 3) std::this_thread::yield();
  const std::string backup = original.dir().File("vigil-backup.db");
  const CommandResult backed_up = StoreCommand(original, {"backup", backup});
  stop = true;
  writer.join();
  ASSERT_EQ(backed_up.exit_code, 0) << backed_up.err;
  EXPECT_THAT(backed_up.out, HasSubstr("backed up"));
  EXPECT_GT(written, 3) << "the writes went on beside the backup";
  EXPECT_EQ(StoreCommand(original, {"backup", backup}).exit_code, 2)
      << "a backup never overwrites a file";

  const CommandResult refused = StoreCommand(original, {"restore", backup});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("refused: a collector is running on"));

  // A fresh collector (its own folder and store), stopped, restored from the backup, started.
  Harness fresh;
  fresh.StartCollector(kUnlimitedApi);
  ASSERT_EQ(fresh.StopCollector(SIGTERM), 0);
  const CommandResult restored = StoreCommand(fresh, {"restore", backup});
  ASSERT_EQ(restored.exit_code, 0) << restored.err;
  const CommandResult checked = StoreCommand(fresh, {"check"});
  EXPECT_EQ(checked.exit_code, 0) << checked.err;
  EXPECT_THAT(checked.out, HasSubstr(": ok"));
  fresh.StartCollector(kUnlimitedApi);

  // Ann's token came along (tokens are in the store), and with it every incident, report and
  // timeline entry committed before the backup.
  const std::map<std::string, std::size_t> after = Timelines(fresh, ann);
  for (const auto& [id, length] : before) {
    ASSERT_EQ(after.count(id), 1u) << id << " is missing from the restored store";
    EXPECT_GE(after.at(id), length) << id << " lost timeline entries";
  }
  // The agent's enrollment token works on the restored collector too.
  fresh.StartAgent("web-01", enrollment);
  EXPECT_TRUE(fresh.WaitForValue("vigil_collector_agent_connected", {{"agent", "web-01"}},
                                 [](double v) { return v == 1; }))
      << fresh.agent().Stderr();
}

TEST(StoreBackup, ADamagedBackupLeavesTheStoreAsItWas) {
  Harness harness;
  harness.StartCollector();
  const std::string token = harness.CreateApiToken("viewer", "grafana");
  ASSERT_EQ(harness.StopCollector(SIGTERM), 0);
  const std::string junk = harness.dir().Write("junk.db", std::string(8192, 'x'));
  const CommandResult refused = StoreCommand(harness, {"restore", junk});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("the store is unchanged"));
  harness.StartCollector();
  EXPECT_EQ(HttpCall(harness.http_port(), "GET", "/api/v1/incidents", "", token).status, 200)
      << "the token from before the failed restore still works";
}

TEST(StoreBackup, ASecondCollectorOnTheSameStoreRefusesToStart) {
  Harness harness;
  harness.StartCollector();
  const CommandResult second =
      RunCommand({VIGIL_COLLECTOR_BINARY, "--config", harness.dir().File("collector.yaml")});
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_THAT(second.err, HasSubstr("a collector is running on"));
}

}  // namespace
}  // namespace vigil::testing
