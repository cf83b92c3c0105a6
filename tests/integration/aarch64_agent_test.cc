// The aarch64 agent (cross-built with VIGIL_CROSS_AARCH64_TESTS) under qemu-user: it is static,
// says what it is built for, collects from a fixture tree exactly what the x86_64 agent collects
// there, and streams to the x86_64 collector.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "tests/integration/harness.h"
#include "tests/support/exposition_parser.h"
#include "tests/support/wait.h"

namespace vigil::testing {
namespace {

constexpr const char* kQemu = "qemu-aarch64-static";

class Aarch64AgentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The build says whether it made the aarch64 agent; one that did and lost it fails below.
    if (std::string(VIGIL_AARCH64_AGENT_BINARY).empty()) {
      GTEST_SKIP()
          << "this build does not cross-build the aarch64 agent (VIGIL_CROSS_AARCH64_TESTS=OFF)";
    }
    ASSERT_TRUE(std::filesystem::exists(VIGIL_AARCH64_AGENT_BINARY)) << VIGIL_AARCH64_AGENT_BINARY;
  }
};

std::string Describe(const ParsedSample& sample) {
  std::string out = sample.name + "{";
  for (const auto& [key, value] : sample.labels) out += key + "=\"" + value + "\",";
  return out + "}";
}

// Series whose values are the moment's or the machine's, not the fixture's: the agent's own
// timings, the clock, the real disk under the checkout, the live kernel's clock discipline.
bool Momentary(const std::string& name) {
  static const std::set<std::string> kMoving = {
      "node_time_seconds",           "node_filesystem_free_bytes",
      "node_filesystem_avail_bytes", "node_filesystem_files_free",
      "node_timex_offset_seconds",   "node_timex_frequency_adjustment_ratio",
      "node_timex_maxerror_seconds", "node_timex_estimated_error_seconds",
      "node_timex_status",           "node_timex_sync_status"};
  return kMoving.count(name) > 0 || name.rfind("vigil_agent_", 0) == 0;
}

// qemu-user emulates netlink only for routing and audit: inet_diag (tcpstat) answers "protocol not
// supported" there, as it never does on an aarch64 kernel.
bool NeedsNetlinkInetDiag(const std::string& name) { return name == "node_tcp_connection_states"; }

TEST_F(Aarch64AgentTest, IsStaticAndSaysItIsAarch64) {
  const CommandResult header = RunCommand({"readelf", "-h", "-l", VIGIL_AARCH64_AGENT_BINARY});
  ASSERT_EQ(header.exit_code, 0) << header.err;
  EXPECT_THAT(header.out, ::testing::HasSubstr("AArch64"));
  EXPECT_THAT(header.out, ::testing::Not(::testing::HasSubstr("INTERP")));
  const CommandResult version = RunCommand({kQemu, VIGIL_AARCH64_AGENT_BINARY, "--version"});
  ASSERT_EQ(version.exit_code, 0) << version.err;
  EXPECT_THAT(version.out,
              ::testing::MatchesRegex("vigil-agent " VIGIL_VERSION " \\(aarch64, static\\)\n"));
}

TEST_F(Aarch64AgentTest, CollectsFromAFixtureTreeWhatTheX86AgentCollects) {
  TempDir dir;
  const std::string root = VIGIL_SOURCE_DIR "/tests/agent/fixtures/awkward";
  const std::string config = dir.Write(
      "agent.yaml",
      "agent: {id: arches}\ncollector: {address: \"127.0.0.1:1\", ca_file: x, token_file: y}\n"
      "health: {root: \"" +
          root + "\", textfile: {directory: \"" + root +
          "/textfile\"},"
          " collectors: {interrupts: true, processes: true, tcpstat: true}}\n"
          "security: {enabled: false}\n");
  const CommandResult x86 = RunCommand({VIGIL_AGENT_BINARY, "--config", config, "--once"});
  const CommandResult arm =
      RunCommand({kQemu, VIGIL_AARCH64_AGENT_BINARY, "--config", config, "--once"});
  ASSERT_EQ(x86.exit_code, 0) << x86.err;
  ASSERT_EQ(arm.exit_code, 0) << arm.err;
  const ParsedExposition ours = ParseExposition(x86.out);
  const ParsedExposition theirs = ParseExposition(arm.out);
  ASSERT_GT(ours.samples.size(), 1000u) << "the fixture yielded too little to compare";

  std::size_t compared = 0;
  for (const ParsedSample& sample : ours.samples) {
    if (NeedsNetlinkInetDiag(sample.name)) continue;
    if (sample.name == "node_uname_info") {
      // The one label that must differ: the machine the agent runs as.
      std::map<std::string, std::string> labels = sample.labels;
      labels["machine"] = "aarch64";
      EXPECT_EQ(theirs.Find(sample.name).size(), 1u);
      EXPECT_TRUE(!theirs.Find(sample.name).empty() &&
                  theirs.Find(sample.name)[0].labels == labels);
      continue;
    }
    const auto found =
        std::find_if(theirs.samples.begin(), theirs.samples.end(), [&](const ParsedSample& other) {
          return other.name == sample.name && other.labels == sample.labels;
        });
    if (found == theirs.samples.end()) {
      ADD_FAILURE() << "the aarch64 agent lacks " << Describe(sample);
      continue;
    }
    EXPECT_EQ(theirs.types.at(sample.name), ours.types.at(sample.name)) << sample.name;
    if (!Momentary(sample.name)) {
      EXPECT_EQ(found->value, sample.value) << Describe(sample);
    }
    ++compared;
  }
  // Nothing the aarch64 agent exports that the x86_64 one does not.
  for (const ParsedSample& sample : theirs.samples) {
    if (sample.name == "node_uname_info") continue;
    EXPECT_TRUE(std::any_of(ours.samples.begin(), ours.samples.end(),
                            [&](const ParsedSample& other) {
                              return other.name == sample.name && other.labels == sample.labels;
                            }))
        << "only the aarch64 agent exports " << Describe(sample);
  }
  EXPECT_GT(compared, 1000u);
}

TEST_F(Aarch64AgentTest, StreamsToTheX86Collector) {
  Harness harness;
  harness.StartCollector();
  const std::string token = harness.CreateToken("acme");
  const std::string config = harness.WriteAgentConfig("arm-01", token, "");
  auto agent = Process::Start({kQemu, VIGIL_AARCH64_AGENT_BINARY, "--config", config},
                              harness.dir().File("arm.out"), harness.dir().File("arm.log"));
  EXPECT_TRUE(harness.WaitForValue("vigil_collector_agent_connected", {{"agent", "arm-01"}},
                                   [](double v) { return v == 1; }))
      << agent->Stderr();
  EXPECT_TRUE(harness.WaitForValue("node_load1", {{"agent", "arm-01"}})) << agent->Stderr();
  EXPECT_TRUE(
      harness.WaitForValue("node_uname_info", {{"agent", "arm-01"}, {"machine", "aarch64"}}))
      << agent->Stderr();
  agent->Signal(SIGTERM);
  EXPECT_EQ(agent->Wait(std::chrono::seconds(10)), 0) << agent->Stderr();
}

}  // namespace
}  // namespace vigil::testing
