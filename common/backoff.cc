#include "common/backoff.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>

namespace vigil {

UniformRandom MakeSystemRandom() {
  auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
  return [engine]() { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); };
}

Backoff::Backoff(BackoffPolicy policy, UniformRandom random)
    : policy_(policy), random_(std::move(random)) {}

Duration Backoff::Next() {
  const double initial = static_cast<double>(policy_.initial.count());
  const double cap = static_cast<double>(policy_.max.count());
  const double base = std::min(cap, initial * std::pow(policy_.multiplier, attempt_));
  // Stop growing the exponent once the cap is reached so it cannot overflow.
  if (base < cap) ++attempt_;
  const double jittered = base / 2 + (base / 2) * std::clamp(random_(), 0.0, 1.0);
  return Duration(static_cast<Duration::rep>(jittered));
}

}  // namespace vigil
