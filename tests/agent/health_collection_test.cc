#include "agent/health_collection.h"

#include <gtest/gtest.h>

#include "common/exposition.h"
#include "tests/support/exposition_parser.h"
#include "tests/support/temp_dir.h"

namespace vigil::agent {
namespace {

const std::string kFixture = VIGIL_SOURCE_DIR "/tests/agent/fixtures/basic";

testing::ParsedExposition Render(std::vector<wire::MetricFamily> families) {
  return testing::ParseExposition(RenderText(families));
}

TEST(HealthCollection, ReadsEveryCollectorUnderTheRoot) {
  HealthCollection collection(MakeHealthCollectors(kFixture), RealClock());
  Collection result = collection.CollectOnce();
  auto health = Render(result.health);
  EXPECT_EQ(health.Value("node_load1"), 0.20);
  EXPECT_EQ(health.Value("node_memory_MemAvailable_bytes"), 9263744.0 * 1024);
  EXPECT_EQ(health.Value("node_boot_time_seconds"), 1062191376);
  EXPECT_EQ(health.Find("node_cpu_seconds_total").size(), 16u);
  auto self = Render(result.self);
  for (const char* name : {"cpu", "loadavg", "meminfo", "stat"}) {
    EXPECT_EQ(self.Value("vigil_agent_collector_success", {{"collector", name}}), 1) << name;
  }
}

TEST(HealthCollection, AFailingCollectorLeavesTheOthersRunning) {
  testing::TempDir root;
  root.Write("proc/loadavg", "0.5 0.4 0.3 1/1 1\n");
  root.Write("proc/meminfo", "garbage line\n");
  HealthCollection collection(MakeHealthCollectors(root.path().string()), RealClock());
  Collection result = collection.CollectOnce();
  auto health = Render(result.health);
  EXPECT_EQ(health.Value("node_load1"), 0.5);
  auto self = Render(result.self);
  EXPECT_EQ(self.Value("vigil_agent_collector_success", {{"collector", "loadavg"}}), 1);
  EXPECT_EQ(self.Value("vigil_agent_collector_success", {{"collector", "meminfo"}}), 0);
  EXPECT_EQ(self.Value("vigil_agent_collector_success", {{"collector", "cpu"}}), 0);
  EXPECT_EQ(self.Find("vigil_agent_collector_duration_seconds").size(), 4u);
}

}  // namespace
}  // namespace vigil::agent
