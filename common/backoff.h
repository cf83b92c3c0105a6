#pragma once
// Exponential backoff with jitter, for reconnects and retries.

#include <functional>

#include "common/units.h"

namespace vigil {

// A source of uniformly distributed numbers in [0, 1). Injected so tests can pin the jitter.
using UniformRandom = std::function<double()>;

// A UniformRandom seeded from the OS; each call to this function makes an independent source.
UniformRandom MakeSystemRandom();

struct BackoffPolicy {
  Duration initial{std::chrono::seconds(1)};
  Duration max{std::chrono::seconds(60)};
  double multiplier = 2.0;

  bool operator==(const BackoffPolicy&) const = default;
};

// The delay before attempt `attempt` (0-based), drawn from [base/2, base) by `uniform` in [0, 1),
// where base = min(max, initial * multiplier^attempt): delays grow, stay under the cap, and many
// clients that failed together spread out instead of returning together.
Duration BackoffDelay(const BackoffPolicy& policy, int attempt, double uniform);

// The same, counting attempts itself. Not thread-safe.
class Backoff {
 public:
  Backoff(BackoffPolicy policy, UniformRandom random);

  // The delay to wait before the next attempt; advances the attempt count.
  Duration Next();
  // Back to the initial delay, after a success.
  void Reset() { attempt_ = 0; }

 private:
  BackoffPolicy policy_;
  UniformRandom random_;
  int attempt_ = 0;
};

}  // namespace vigil
