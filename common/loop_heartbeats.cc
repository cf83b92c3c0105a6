#include "common/loop_heartbeats.h"

namespace vigil {

LoopHeartbeats::LoopHeartbeats(const Clock& clock, std::chrono::steady_clock::duration max_silence)
    : clock_(clock), max_silence_(max_silence) {}

std::int64_t LoopHeartbeats::NowNs() const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(clock_.Monotonic().time_since_epoch())
      .count();
}

std::size_t LoopHeartbeats::Add(std::string name) {
  std::lock_guard lock(mutex_);
  loops_.push_back({std::move(name), NowNs()});
  return loops_.size() - 1;
}

void LoopHeartbeats::Beat(std::size_t loop) {
  const std::int64_t now = NowNs();
  std::lock_guard lock(mutex_);
  loops_[loop].last_beat_ns = now;
}

std::vector<std::string> LoopHeartbeats::Silent() const {
  const std::int64_t now = NowNs();
  const std::int64_t limit =
      std::chrono::duration_cast<std::chrono::nanoseconds>(max_silence_).count();
  std::vector<std::string> silent;
  std::lock_guard lock(mutex_);
  for (const Loop& loop : loops_) {
    if (now - loop.last_beat_ns > limit) silent.push_back(loop.name);
  }
  return silent;
}

}  // namespace vigil
