#include "agent/collectors/name_filter.h"

#include <gtest/gtest.h>

namespace vigil::agent {
namespace {

TEST(NameFilter, ExcludesMatchesAndKeepsTheRest) {
  NameFilter filter("", "^(loop|ram)\\d+$");
  EXPECT_FALSE(filter.Keep("loop0"));
  EXPECT_TRUE(filter.Keep("sda"));
  EXPECT_FALSE(filter.Keep("loop0"));  // the remembered verdict is the same
}

TEST(NameFilter, KeepsWhatIsIncludedAndNotExcluded) {
  NameFilter filter("^eth", "^eth1$");
  EXPECT_TRUE(filter.Keep("eth0"));
  EXPECT_FALSE(filter.Keep("eth1"));
  EXPECT_FALSE(filter.Keep("wlan0"));
}

TEST(NameFilter, EmptyPatternsKeepEverything) {
  NameFilter filter("", "");
  EXPECT_TRUE(filter.Keep("anything"));
}

TEST(NameFilter, SearchesRatherThanMatchingTheWholeName) {
  NameFilter filter("", "docker");
  EXPECT_FALSE(filter.Keep("/var/lib/docker/overlay"));
}

}  // namespace
}  // namespace vigil::agent
