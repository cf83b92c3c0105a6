#include "common/rate_limiter.h"

#include <gtest/gtest.h>

namespace vigil {
namespace {

using std::chrono::milliseconds;
using Time = std::chrono::steady_clock::time_point;

TEST(TokenBucket, AllowsABurstThenTheRate) {
  TokenBucket bucket(/*rate=*/2, /*burst=*/3);
  const Time start{};
  EXPECT_TRUE(bucket.Take(start));
  EXPECT_TRUE(bucket.Take(start));
  EXPECT_TRUE(bucket.Take(start));
  EXPECT_FALSE(bucket.Take(start));
  EXPECT_FALSE(bucket.Take(start + milliseconds(400)));  // 0.8 tokens
  EXPECT_TRUE(bucket.Take(start + milliseconds(500)));   // 1 token
  EXPECT_FALSE(bucket.Take(start + milliseconds(500)));
}

TEST(TokenBucket, NeverHoldsMoreThanTheBurst) {
  TokenBucket bucket(10, 2);
  const Time start{};
  EXPECT_TRUE(bucket.Take(start));
  const Time later = start + std::chrono::hours(1);
  EXPECT_TRUE(bucket.Take(later));
  EXPECT_TRUE(bucket.Take(later));
  EXPECT_FALSE(bucket.Take(later));
}

TEST(KeyedRateLimiter, LimitsEachKeyOnItsOwn) {
  KeyedRateLimiter limiter(1, 1, 100);
  const Time now{};
  EXPECT_TRUE(limiter.Take("10.0.0.1", now));
  EXPECT_FALSE(limiter.Take("10.0.0.1", now));
  EXPECT_TRUE(limiter.Take("10.0.0.2", now));
}

TEST(KeyedRateLimiter, ForgetsIdleKeysAndRefusesNewOnesWhenAllAreBusy) {
  KeyedRateLimiter limiter(1, 1, 2);
  const Time start{};
  EXPECT_TRUE(limiter.Take("a", start));
  EXPECT_TRUE(limiter.Take("b", start));
  EXPECT_FALSE(limiter.Take("c", start));  // both others busy: bounded memory
  EXPECT_EQ(limiter.size(), 2u);
  EXPECT_TRUE(limiter.Take("c", start + std::chrono::seconds(2)));  // a and b refilled: forgotten
  EXPECT_EQ(limiter.size(), 1u);
}

}  // namespace
}  // namespace vigil
