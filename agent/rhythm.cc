#include "agent/rhythm.h"

namespace vigil::agent {

MonotonicTime NextCollection(MonotonicTime planned, MonotonicTime now, Duration interval) {
  return planned < now ? now + interval : planned;
}

std::optional<Duration> Heartbeat::Wait(MonotonicTime now) const {
  const auto idle = now - last_write_;
  if (idle >= interval_) return std::nullopt;
  return std::chrono::duration_cast<Duration>(interval_ - idle) + Duration(1);
}

}  // namespace vigil::agent
