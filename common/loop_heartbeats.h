#pragma once
// Whether a daemon's loops are alive: each loop beats as it goes round; the daemon feeds systemd's
// watchdog only while none has been silent longer than allowed (common/service_watchdog.h). Times
// come from the caller's Clock, so tests drive them.

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <vector>

#include "common/clock.h"

namespace vigil {

class LoopHeartbeats {
 public:
  LoopHeartbeats(const Clock& clock, std::chrono::steady_clock::duration max_silence);

  // A loop to watch, alive as of now; the index is its handle for Beat. Thread-safe.
  std::size_t Add(std::string name);
  // Loop `loop` went round. Thread-safe; loops beat at most once per round, not per event.
  void Beat(std::size_t loop);
  // The loops silent for longer than max_silence, by name; empty while all are alive.
  std::vector<std::string> Silent() const;

 private:
  struct Loop {
    std::string name;
    std::int64_t last_beat_ns = 0;  // steady clock, since its epoch
  };
  std::int64_t NowNs() const;

  const Clock& clock_;
  const std::chrono::steady_clock::duration max_silence_;
  mutable std::mutex mutex_;
  std::vector<Loop> loops_;
};

}  // namespace vigil
