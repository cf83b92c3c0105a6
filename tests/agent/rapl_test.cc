#include "agent/collectors/rapl.h"

#include <gtest/gtest.h>

namespace vigil::agent {
namespace {

TEST(Rapl, SanitizesZoneNamesAsNodeExporterDoes) {
  EXPECT_EQ(SanitizeMetricName("package"), "package");
  EXPECT_EQ(SanitizeMetricName("psys-0.x"), "psys_0_x");
  EXPECT_EQ(SanitizeMetricName("a__-__b"), "a_b");  // the underscores around a bad run go with it
  EXPECT_EQ(SanitizeMetricName("keep__this"), "keep__this");
  EXPECT_EQ(SanitizeMetricName("-lead"), "_lead");
}

}  // namespace
}  // namespace vigil::agent
