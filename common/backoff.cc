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

Duration BackoffDelay(const BackoffPolicy& policy, int attempt, double uniform) {
  const double initial = static_cast<double>(policy.initial.count());
  const double cap = static_cast<double>(policy.max.count());
  // The exponent stops growing where the cap is reached, so it cannot overflow.
  const double base = std::min(cap, initial * std::pow(policy.multiplier, std::min(attempt, 64)));
  const double jittered = base / 2 + (base / 2) * std::clamp(uniform, 0.0, 1.0);
  return Duration(static_cast<Duration::rep>(jittered));
}

Duration Backoff::Next() {
  const Duration delay = BackoffDelay(policy_, attempt_, random_());
  if (static_cast<double>(policy_.initial.count()) * std::pow(policy_.multiplier, attempt_) <
      static_cast<double>(policy_.max.count())) {
    ++attempt_;
  }
  return delay;
}

}  // namespace vigil
