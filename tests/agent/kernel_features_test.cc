// The start-up check of what the kernel offers: one clear line per enabled collector whose source
// is missing (an old kernel, a virtual machine), none for the ones present or switched off.

#include "agent/kernel_features.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/temp_dir.h"

namespace vigil::agent {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(KernelFeatures, NamesEachEnabledCollectorWhoseSourceAnOldKernelLacks) {
  testing::TempDir root;  // a RHEL 7-like kernel: no PSI, no schedstat; networking present
  root.Write("sys/class/net/eth0/mtu", "1500\n");
  root.Write("proc/net/udp", "");
  config::AgentConfig::Health health;
  health.root = root.path().string();
  const std::vector<std::string> lines = MissingKernelFeatures(health);
  EXPECT_THAT(lines,
              Contains(HasSubstr("pressure: /proc/pressure is not there (kernel before 4.20")));
  EXPECT_THAT(lines, Contains(HasSubstr("schedstat: /proc/schedstat")));
  EXPECT_THAT(lines, Not(Contains(HasSubstr("netclass"))));
  EXPECT_THAT(lines, Not(Contains(HasSubstr("udp_queues"))));

  health.collectors["pressure"] = false;  // switched off: nothing to explain
  EXPECT_THAT(MissingKernelFeatures(health), Not(Contains(HasSubstr("pressure"))));
}

}  // namespace
}  // namespace vigil::agent
