#include "alerting/range_window.h"

#include <gtest/gtest.h>

namespace vigil::alerting {
namespace {

constexpr Duration kMinute = std::chrono::minutes(1);

TEST(RangeWindow, KeepsOnlyTheSamplesInsideTheWindow) {
  RangeWindow window;
  for (int i = 0; i <= 120; ++i) window.Add({i * 1000LL, static_cast<double>(i)}, kMinute);
  // (60s, 120s]: the samples at 61..120 seconds.
  EXPECT_EQ(window.size(), 60u);
  EXPECT_EQ(*window.Evaluate(RangeFunction::kMinOverTime, kMinute), 61);
  EXPECT_EQ(*window.Evaluate(RangeFunction::kMaxOverTime, kMinute), 120);
  EXPECT_DOUBLE_EQ(*window.Evaluate(RangeFunction::kAvgOverTime, kMinute), 90.5);
}

TEST(RangeWindow, RateOfASteadyCounterIsItsSlope) {
  RangeWindow window;
  for (int i = 0; i <= 60; i += 10) window.Add({i * 1000LL, 100.0 + 5.0 * i}, kMinute);
  // Samples cover 50 of the 60 seconds; Prometheus extrapolates the missing 10 (within 1.1 gaps).
  EXPECT_DOUBLE_EQ(*window.Evaluate(RangeFunction::kRate, kMinute), 5.0);
  EXPECT_DOUBLE_EQ(*window.Evaluate(RangeFunction::kIncrease, kMinute), 300.0);
}

TEST(RangeWindow, RateCountsACounterResetAsAnIncrease) {
  RangeWindow window;
  window.Add({0, 50}, kMinute);  // dropped: falls out of the window ending at 60s
  window.Add({10000, 100}, kMinute);
  window.Add({20000, 150}, kMinute);
  window.Add({30000, 20}, kMinute);  // reset: 150 before, so +150+20
  window.Add({60000, 80}, kMinute);
  // Raw increase 80-100+150 = 130 over 50s sampled; start gap 10s (< 1.1 x 12.5s) extrapolated.
  EXPECT_DOUBLE_EQ(*window.Evaluate(RangeFunction::kIncrease, kMinute), 130.0 * 60 / 50);
}

TEST(RangeWindow, RateDoesNotExtrapolateACounterBelowZero) {
  RangeWindow window;
  window.Add({30000, 1}, kMinute);
  window.Add({40000, 11}, kMinute);
  window.Add({50000, 21}, kMinute);
  window.Add({60000, 31}, kMinute);
  // Extrapolating 30s back would reach -29; it stops where the counter would be 0 (1s back).
  EXPECT_DOUBLE_EQ(*window.Evaluate(RangeFunction::kIncrease, kMinute), 30.0 * 31 / 30);
}

TEST(RangeWindow, RateNeedsTwoSamples) {
  RangeWindow window;
  EXPECT_FALSE(window.Evaluate(RangeFunction::kAvgOverTime, kMinute).has_value());
  window.Add({1000, 3}, kMinute);
  EXPECT_FALSE(window.Evaluate(RangeFunction::kRate, kMinute).has_value());
  EXPECT_EQ(*window.Evaluate(RangeFunction::kAvgOverTime, kMinute), 3);
  window.Add({1000, 9}, kMinute);  // not newer: ignored
  EXPECT_EQ(window.size(), 1u);
}

}  // namespace
}  // namespace vigil::alerting
