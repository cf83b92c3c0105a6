#pragma once
// The environment's notion of time, passed into constructors so tests can drive it by hand.

#include <chrono>
#include <cstdint>

namespace vigil {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time, for timestamps that leave the process (batches, store rows, logs).
  virtual std::chrono::system_clock::time_point Now() const = 0;
  // Monotonic time, for measuring intervals.
  virtual std::chrono::steady_clock::time_point Monotonic() const = 0;
};

// The real clocks. The returned object is stateless and lives for the whole process.
const Clock& RealClock();

// Milliseconds since the Unix epoch, the unit of every timestamp on the wire and in the stores,
// and back: the one conversion between the two.
inline std::int64_t ToUnixMillis(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
inline std::chrono::system_clock::time_point FromUnixMillis(std::int64_t ms) {
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}

}  // namespace vigil
