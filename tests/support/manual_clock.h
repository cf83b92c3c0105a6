#pragma once
// A Clock that tests move by hand; wall and monotonic time advance together.

#include <chrono>

#include "common/clock.h"

namespace vigil::testing {

class ManualClock final : public Clock {
 public:
  explicit ManualClock(
      std::chrono::system_clock::time_point start =
          std::chrono::system_clock::time_point(std::chrono::seconds(1'790'000'000)))
      : wall_(start) {}

  std::chrono::system_clock::time_point Now() const override { return wall_; }
  std::chrono::steady_clock::time_point Monotonic() const override { return steady_; }

  void Advance(std::chrono::milliseconds by) {
    wall_ += by;
    steady_ += by;
  }

 private:
  std::chrono::system_clock::time_point wall_;
  std::chrono::steady_clock::time_point steady_{std::chrono::hours(1)};
};

}  // namespace vigil::testing
