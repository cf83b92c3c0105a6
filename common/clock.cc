#include "common/clock.h"

namespace vigil {
namespace {

class RealClockImpl final : public Clock {
 public:
  std::chrono::system_clock::time_point Now() const override {
    return std::chrono::system_clock::now();
  }
  std::chrono::steady_clock::time_point Monotonic() const override {
    return std::chrono::steady_clock::now();
  }
};

}  // namespace

const Clock& RealClock() {
  static const RealClockImpl clock;
  return clock;
}

}  // namespace vigil
