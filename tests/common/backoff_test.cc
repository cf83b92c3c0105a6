#include "common/backoff.h"

#include <gtest/gtest.h>

namespace vigil {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(Backoff, DoublesUntilTheCapWithTheLowestJitter) {
  Backoff backoff({seconds(1), seconds(8), 2.0}, [] { return 0.0; });
  // With jitter 0 each delay is half its base: bases 1, 2, 4, 8, 8 seconds.
  EXPECT_EQ(backoff.Next(), milliseconds(500));
  EXPECT_EQ(backoff.Next(), milliseconds(1000));
  EXPECT_EQ(backoff.Next(), milliseconds(2000));
  EXPECT_EQ(backoff.Next(), milliseconds(4000));
  EXPECT_EQ(backoff.Next(), milliseconds(4000));
}

TEST(Backoff, CapsAtMaxIntervalWithTheHighestJitter) {
  Backoff backoff({seconds(1), seconds(10), 2.0}, [] { return 0.999999; });
  Duration last{};
  for (int i = 0; i < 100; ++i) last = backoff.Next();
  EXPECT_LE(last, seconds(10));
  EXPECT_GE(last, milliseconds(9990));
}

TEST(Backoff, ResetStartsOverFromTheInitialDelay) {
  Backoff backoff({seconds(1), seconds(60), 2.0}, [] { return 0.0; });
  for (int i = 0; i < 5; ++i) (void)backoff.Next();
  backoff.Reset();
  EXPECT_EQ(backoff.Next(), milliseconds(500));
}

TEST(Backoff, SystemRandomSpreadsDelaysWithinBounds) {
  Backoff backoff({seconds(4), seconds(4), 2.0}, MakeSystemRandom());
  Duration low = seconds(4), high{};
  for (int i = 0; i < 200; ++i) {
    const Duration delay = backoff.Next();
    ASSERT_GE(delay, seconds(2));
    ASSERT_LE(delay, seconds(4));
    low = std::min(low, delay);
    high = std::max(high, delay);
  }
  EXPECT_LT(low, high);  // jitter actually varies
}

}  // namespace
}  // namespace vigil
