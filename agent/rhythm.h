#pragma once
// The agent's two rhythms as pure decisions on a monotonic time that the caller reads from its
// Clock (common/clock.h), so that tests drive them by hand: when the next collection is due, and
// when an idle stream sends a Ping.

#include <chrono>
#include <optional>

#include "common/units.h"

namespace vigil::agent {

using MonotonicTime = std::chrono::steady_clock::time_point;

// When the next collection is due: `planned`, unless it has passed already (a suspend, a slow
// disk), then one interval from `now`: missed collections are skipped, not made up in a burst.
MonotonicTime NextCollection(MonotonicTime planned, MonotonicTime now, Duration interval);

// A stream sends a Ping after `interval` without writing anything, so that the collector (which
// closes a silent stream) and the network path see it alive.
class Heartbeat {
 public:
  explicit Heartbeat(Duration interval) : interval_(interval) {}
  void SetInterval(Duration interval) { interval_ = interval; }
  // Something was written at `now`.
  void Wrote(MonotonicTime now) { last_write_ = now; }
  // nullopt when a Ping is due at `now`; else how long until it is.
  std::optional<Duration> Wait(MonotonicTime now) const;

 private:
  Duration interval_;
  MonotonicTime last_write_{};
};

}  // namespace vigil::agent
