#include "agent/rhythm.h"

#include <gtest/gtest.h>

#include "tests/support/manual_clock.h"

namespace vigil::agent {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(NextCollection, KeepsThePlanAndSkipsWhatAStallMissed) {
  testing::ManualClock clock;
  const MonotonicTime planned = clock.Monotonic() + seconds(15);
  EXPECT_EQ(NextCollection(planned, clock.Monotonic(), seconds(15)), planned);
  // A suspend of a minute: one collection from now, not four in a row.
  clock.Advance(seconds(75));
  EXPECT_EQ(NextCollection(planned, clock.Monotonic(), seconds(15)),
            clock.Monotonic() + seconds(15));
}

TEST(Heartbeat, APingIsDueOnlyAfterTheIntervalWithoutAWrite) {
  testing::ManualClock clock;
  Heartbeat beat(seconds(30));
  beat.Wrote(clock.Monotonic());
  ASSERT_TRUE(beat.Wait(clock.Monotonic()).has_value());
  clock.Advance(seconds(20));
  EXPECT_EQ(*beat.Wait(clock.Monotonic()), milliseconds(10'001));
  // A batch went out meanwhile: the wait starts over.
  beat.Wrote(clock.Monotonic());
  clock.Advance(seconds(29));
  EXPECT_TRUE(beat.Wait(clock.Monotonic()).has_value());
  clock.Advance(seconds(1));
  EXPECT_FALSE(beat.Wait(clock.Monotonic()).has_value());
}

TEST(Heartbeat, TheCollectorsIntervalTakesEffectAtOnce) {
  testing::ManualClock clock;
  Heartbeat beat(seconds(30));
  beat.Wrote(clock.Monotonic());
  clock.Advance(seconds(5));
  beat.SetInterval(seconds(3));  // HelloAck asked for a shorter one
  EXPECT_FALSE(beat.Wait(clock.Monotonic()).has_value());
}

}  // namespace
}  // namespace vigil::agent
