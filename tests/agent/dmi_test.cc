#include "agent/collectors/dmi.h"

#include <gtest/gtest.h>

#include "tests/support/exposition_parser.h"
#include "tests/support/temp_dir.h"

namespace vigil::agent {
namespace {

TEST(Dmi, AMachineWithoutDmiReportsNothingAndAttributesBecomeLabels) {
  testing::TempDir root;
  auto none = MakeDmiCollector(root.path().string())->Collect();
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  root.Write("sys/class/dmi/id/sys_vendor", "Dell Inc.\n");
  root.Write("sys/class/dmi/id/product_name", "PowerEdge R640\n");
  root.Write("sys/class/dmi/id/uevent", "MODALIAS=x\n");
  auto families = MakeDmiCollector(root.path().string())->Collect();
  ASSERT_TRUE(families.ok());
  auto scrape = testing::RenderAndParse(*families);
  const std::vector<testing::ParsedSample> info = scrape.Find("node_dmi_info");
  ASSERT_EQ(info.size(), 1u);
  const auto& labels = info[0].labels;
  EXPECT_EQ(labels.at("system_vendor"), "Dell Inc.");
  EXPECT_EQ(labels.at("product_name"), "PowerEdge R640");
  EXPECT_EQ(labels.size(), 2u);
}

}  // namespace
}  // namespace vigil::agent
