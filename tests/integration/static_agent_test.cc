// The static agent (VIGIL_STATIC_AGENT) needs nothing of the host's /usr or /lib: it runs from an
// empty root holding only the binary, its config and /proc and /sys, both for one collection and
// streaming to a collector on the host.

#include <sys/mount.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "tests/integration/harness.h"
#include "tests/support/wait.h"

namespace vigil::testing {
namespace {

bool IsStatic(const std::string& binary) {
  const CommandResult headers = RunCommand({"readelf", "-l", binary});
  return headers.exit_code == 0 && headers.out.find("INTERP") == std::string::npos &&
         RunCommand({"readelf", "-d", binary}).out.find("NEEDED") == std::string::npos;
}

// <dir>/root holding only the agent and what the test copies in, with the host's /proc and /sys
// bound in; unmounted with the object.
class EmptyRoot {
 public:
  explicit EmptyRoot(const TempDir& dir) : path_(dir.File("root")) {
    for (const char* folder : {"proc", "sys", "etc", "agent"})
      std::filesystem::create_directories(path_ + "/" + folder);
    std::filesystem::copy_file(VIGIL_AGENT_BINARY, path_ + "/vigil-agent");
    for (const char* folder : {"proc", "sys"}) {
      const std::string target = path_ + "/" + folder;
      if (mount(("/" + std::string(folder)).c_str(), target.c_str(), nullptr, MS_BIND | MS_REC,
                nullptr) != 0) {
        problem_ = "cannot bind-mount /" + std::string(folder) + ": " + std::strerror(errno);
        return;
      }
      mounted_.push_back(target);
    }
  }
  ~EmptyRoot() {
    for (const std::string& target : mounted_) umount2(target.c_str(), MNT_DETACH);
  }
  const std::string& path() const { return path_; }
  const std::string& problem() const { return problem_; }
  // Everything in the root that is a regular file, relative: what the agent could have used.
  std::vector<std::string> Files() const {
    std::vector<std::string> files;
    for (auto it = std::filesystem::recursive_directory_iterator(path_);
         it != std::filesystem::recursive_directory_iterator(); ++it) {
      const std::string relative = std::filesystem::relative(it->path(), path_).string();
      if (relative == "proc" || relative == "sys") {
        it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file()) files.push_back(relative);
    }
    std::sort(files.begin(), files.end());
    return files;
  }

 private:
  std::string path_;
  std::string problem_;
  std::vector<std::string> mounted_;
};

class StaticAgentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The build says what it made; a build that asked for a static agent and got another fails.
    if (!VIGIL_AGENT_IS_STATIC)
      GTEST_SKIP() << "this build's agent is not static (VIGIL_STATIC_AGENT=OFF)";
  }
};

TEST_F(StaticAgentTest, HasNoProgramInterpreterAndSaysWhatItIsBuiltFor) {
  EXPECT_TRUE(IsStatic(VIGIL_AGENT_BINARY))
      << "readelf shows a program interpreter or a needed library";
  EXPECT_THAT(RunCommand({VIGIL_AGENT_BINARY, "--version"}).out,
              ::testing::MatchesRegex("vigil-agent .* \\((x86_64|aarch64), static\\)\n"));
}

TEST_F(StaticAgentTest, CollectsOnceAndStreamsFromARootWithNothingButItself) {
  if (geteuid() != 0) GTEST_SKIP() << "chroot and bind mounts need root";
  Harness harness;
  EmptyRoot root(harness.dir());
  if (!root.problem().empty()) GTEST_SKIP() << root.problem();
  harness.StartCollector();
  const std::string token = harness.CreateToken("acme");
  // The harness's agent config, with its relative paths resolved inside the root.
  const std::string config = ReadFile(harness.WriteAgentConfig("chrooted", token, ""));
  std::filesystem::create_directories(root.path() + "/pki");
  std::filesystem::copy_file(harness.dir().File("pki/ca.pem"), root.path() + "/pki/ca.pem");
  std::filesystem::copy_file(harness.dir().File("agent.token"), root.path() + "/agent.token");
  harness.dir().Write("root/agent.yaml", config);

  const CommandResult once = RunCommand({"chroot", root.path(), "/vigil-agent", "--config",
                                         "/agent.yaml", "--once", "--format", "prometheus"});
  ASSERT_EQ(once.exit_code, 0) << once.err;
  EXPECT_THAT(once.out, ::testing::HasSubstr("\nnode_load1 "));
  EXPECT_THAT(once.out, ::testing::HasSubstr("node_cpu_seconds_total{"));

  auto agent =
      Process::Start({"chroot", root.path(), "/vigil-agent", "--config", "/agent.yaml"},
                     harness.dir().File("chrooted.out"), harness.dir().File("chrooted.log"));
  EXPECT_TRUE(harness.WaitForValue("vigil_collector_agent_connected", {{"agent", "chrooted"}},
                                   [](double v) { return v == 1; }))
      << agent->Stderr();
  EXPECT_TRUE(harness.WaitForValue("node_load1", {{"agent", "chrooted"}})) << agent->Stderr();
  agent->Signal(SIGTERM);
  agent->Wait(std::chrono::seconds(10));
  // Nothing appeared that the agent would have needed from a distribution: only what the test put
  // there and the spool the agent keeps.
  for (const std::string& file : root.Files()) {
    EXPECT_THAT(file, ::testing::AnyOf("vigil-agent", "agent.yaml", "agent.token", "pki/ca.pem",
                                       ::testing::StartsWith("agent/")))
        << file;
  }
}

}  // namespace
}  // namespace vigil::testing
