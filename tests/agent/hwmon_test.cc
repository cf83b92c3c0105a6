// hwmon beyond the parity fixture: chip names as upstream cleans them, and hosts without sensors.

#include "agent/collectors/hwmon.h"

#include <gtest/gtest.h>

#include "tests/support/exposition_parser.h"
#include "tests/support/temp_dir.h"

namespace vigil::agent {
namespace {

TEST(Hwmon, CleansChipNamesAsNodeExporterDoes) {
  EXPECT_EQ(CleanHwmonName("coretemp.0"), "coretemp_0");
  EXPECT_EQ(CleanHwmonName("ACPI Thermal Zone!\n"), "acpi_thermal_zone");
  EXPECT_EQ(CleanHwmonName("__nvme:0__"), "nvme:0");
  EXPECT_EQ(CleanHwmonName("..."), "");
}

TEST(Hwmon, AMachineWithoutSensorsReportsNothingAndAChipWithoutDeviceUsesItsName) {
  testing::TempDir root;
  auto none = MakeHwmonCollector(root.path().string())->Collect();
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  root.Write("sys/class/hwmon/hwmon0/name", "nvme\n");
  root.Write("sys/class/hwmon/hwmon0/temp1_input", "38850\n");
  root.Write("sys/class/hwmon/hwmon0/temp1_label", "Composite\n");
  auto families = MakeHwmonCollector(root.path().string())->Collect();
  ASSERT_TRUE(families.ok());
  auto scrape = testing::RenderAndParse(*families);
  EXPECT_EQ(scrape.Value("node_hwmon_temp_celsius", {{"chip", "nvme"}, {"sensor", "temp1"}}),
            38.85);
  EXPECT_EQ(scrape.Value("node_hwmon_sensor_label", {{"chip", "nvme"}, {"label", "Composite"}}), 1);
}

}  // namespace
}  // namespace vigil::agent
