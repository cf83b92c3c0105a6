// The thermal_zone collector beyond what the parity fixture shows: hosts without thermal zones,
// and zones whose files are broken.

#include "agent/collectors/thermal_zone.h"

#include <gtest/gtest.h>

#include "tests/support/exposition_parser.h"
#include "tests/support/temp_dir.h"

namespace vigil::agent {
namespace {

TEST(ThermalZone, AHostWithoutZonesReportsNothing) {
  testing::TempDir root;
  auto families = MakeThermalZoneCollector(root.path().string())->Collect();
  ASSERT_TRUE(families.ok());
  EXPECT_TRUE(testing::RenderAndParse(*families).samples.empty());
}

TEST(ThermalZone, ReadsMillidegreesAndRefusesAZoneWithoutTemperature) {
  testing::TempDir root;
  root.Write("sys/class/thermal/thermal_zone3/type", "acpitz\n");
  root.Write("sys/class/thermal/thermal_zone3/policy", "step_wise\n");
  root.Write("sys/class/thermal/thermal_zone3/temp", "27800\n");
  root.Write("sys/class/thermal/cooling_device7/type", "Fan\n");
  root.Write("sys/class/thermal/cooling_device7/max_state", "1\n");
  root.Write("sys/class/thermal/cooling_device7/cur_state", "0\n");
  auto families = MakeThermalZoneCollector(root.path().string())->Collect();
  ASSERT_TRUE(families.ok());
  auto scrape = testing::RenderAndParse(*families);
  EXPECT_EQ(scrape.Value("node_thermal_zone_temp", {{"zone", "3"}, {"type", "acpitz"}}), 27.8);
  EXPECT_EQ(scrape.Value("node_cooling_device_max_state", {{"name", "7"}, {"type", "Fan"}}), 1);

  root.Write("sys/class/thermal/thermal_zone3/temp", "warm\n");
  EXPECT_FALSE(MakeThermalZoneCollector(root.path().string())->Collect().ok());
}

}  // namespace
}  // namespace vigil::agent
