#include "agent/health_collection.h"

#include <gtest/gtest.h>

#include "tests/support/exposition_parser.h"
#include "tests/support/temp_dir.h"

namespace vigil::agent {
namespace {

const std::string kFixture = VIGIL_SOURCE_DIR "/tests/agent/fixtures/basic";

config::AgentConfig::Health HealthAt(const std::string& root) {
  config::AgentConfig::Health health;
  health.root = root;
  return health;
}

// Collectors that run by default: all but the ones off by default and textfile (which needs a
// folder).
std::size_t DefaultCollectorCount() {
  return config::kHealthCollectors.size() - config::kHealthCollectorsOffByDefault.size() - 1;
}

TEST(HealthCollection, ReadsEveryCollectorUnderTheRoot) {
  HealthCollection collection(MakeHealthCollectors(HealthAt(kFixture), RealClock()), RealClock());
  Collection result = collection.CollectOnce();
  auto health = testing::RenderAndParse(result.health);
  EXPECT_EQ(health.Value("node_load1"), 0.20);
  EXPECT_EQ(health.Value("node_memory_MemAvailable_bytes"), 9263744.0 * 1024);
  EXPECT_EQ(health.Value("node_boot_time_seconds"), 1062191376);
  EXPECT_EQ(health.Find("node_cpu_seconds_total").size(), 16u);
  auto self = testing::RenderAndParse(result.self);
  for (const char* name : {"cpu", "loadavg", "meminfo", "stat"}) {
    EXPECT_EQ(self.Value("vigil_agent_collector_success", {{"collector", name}}), 1) << name;
  }
  // Every collector of this version reports, whether its files exist under the fixture or not;
  // all but textfile, which runs only when given a folder.
  EXPECT_EQ(self.Find("vigil_agent_collector_success").size(), DefaultCollectorCount());
}

TEST(HealthCollection, AFailingCollectorLeavesTheOthersRunning) {
  testing::TempDir root;
  root.Write("proc/loadavg", "0.5 0.4 0.3 1/1 1\n");
  root.Write("proc/meminfo", "garbage line\n");
  HealthCollection collection(MakeHealthCollectors(HealthAt(root.path().string()), RealClock()),
                              RealClock());
  Collection result = collection.CollectOnce();
  auto health = testing::RenderAndParse(result.health);
  EXPECT_EQ(health.Value("node_load1"), 0.5);
  auto self = testing::RenderAndParse(result.self);
  EXPECT_EQ(self.Value("vigil_agent_collector_success", {{"collector", "loadavg"}}), 1);
  EXPECT_EQ(self.Value("vigil_agent_collector_success", {{"collector", "meminfo"}}), 0);
  EXPECT_EQ(self.Value("vigil_agent_collector_success", {{"collector", "cpu"}}), 0);
  EXPECT_EQ(self.Find("vigil_agent_collector_duration_seconds").size(), DefaultCollectorCount());
}

TEST(HealthCollection, SwitchedOffCollectorsDoNotRun) {
  config::AgentConfig::Health health = HealthAt(kFixture);
  health.collectors = {{"meminfo", false}, {"cpu", true}};
  HealthCollection collection(MakeHealthCollectors(health, RealClock()), RealClock());
  Collection result = collection.CollectOnce();
  EXPECT_TRUE(testing::RenderAndParse(result.health).Find("node_memory_MemTotal_bytes").empty());
  EXPECT_FALSE(testing::RenderAndParse(result.health).Find("node_cpu_seconds_total").empty());
  auto self = testing::RenderAndParse(result.self);
  EXPECT_FALSE(self.Value("vigil_agent_collector_success", {{"collector", "meminfo"}}));
  EXPECT_EQ(self.Find("vigil_agent_collector_success").size(), DefaultCollectorCount() - 1);
}

TEST(HealthCollection, TextfileRunsWhenGivenAFolder) {
  testing::TempDir textfiles;
  textfiles.Write("jobs.prom", "jobs_pending 4\n");
  config::AgentConfig::Health health = HealthAt(kFixture);
  health.textfile_directory = textfiles.path().string();
  HealthCollection collection(MakeHealthCollectors(health, RealClock()), RealClock());
  Collection result = collection.CollectOnce();
  EXPECT_EQ(testing::RenderAndParse(result.health).Value("jobs_pending"), 4);
  EXPECT_EQ(testing::RenderAndParse(result.self)
                .Value("vigil_agent_collector_success", {{"collector", "textfile"}}),
            1);
}

}  // namespace
}  // namespace vigil::agent
