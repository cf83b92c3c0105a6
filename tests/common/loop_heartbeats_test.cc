#include "common/loop_heartbeats.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/manual_clock.h"

namespace vigil {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(LoopHeartbeats, ALoopIsAliveUntilItHasBeenSilentLongerThanAllowed) {
  testing::ManualClock clock;
  LoopHeartbeats heartbeats(clock, std::chrono::seconds(10));
  const std::size_t main = heartbeats.Add("main");
  const std::size_t delivery = heartbeats.Add("notification delivery");
  clock.Advance(std::chrono::seconds(10));
  EXPECT_THAT(heartbeats.Silent(), IsEmpty()) << "exactly the allowed silence is still alive";
  heartbeats.Beat(main);
  clock.Advance(std::chrono::seconds(1));
  EXPECT_THAT(heartbeats.Silent(), ElementsAre("notification delivery"));
  heartbeats.Beat(delivery);
  EXPECT_THAT(heartbeats.Silent(), IsEmpty());
  clock.Advance(std::chrono::seconds(11));
  EXPECT_THAT(heartbeats.Silent(), ElementsAre("main", "notification delivery"));
}

}  // namespace
}  // namespace vigil
