#include "common/rate_limiter.h"

#include <algorithm>

namespace vigil {

TokenBucket::TokenBucket(double rate, double burst) : rate_(rate), burst_(burst), tokens_(burst) {}

bool TokenBucket::Take(std::chrono::steady_clock::time_point now) {
  if (started_ && now > last_) {
    tokens_ =
        std::min(burst_, tokens_ + std::chrono::duration<double>(now - last_).count() * rate_);
  }
  started_ = true;
  last_ = std::max(last_, now);
  if (tokens_ < 1) return false;
  tokens_ -= 1;
  return true;
}

KeyedRateLimiter::KeyedRateLimiter(double rate, double burst, std::size_t max_keys)
    : rate_(rate), burst_(burst), max_keys_(max_keys) {}

bool KeyedRateLimiter::Take(const std::string& key, std::chrono::steady_clock::time_point now) {
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_) {
      // A bucket idle long enough to be full again carries no information.
      const auto refill = std::chrono::duration<double>(burst_ / rate_);
      std::erase_if(buckets_, [&](const auto& entry) {
        return std::chrono::duration<double>(now - entry.second.last_seen) >= refill;
      });
      // Still full: every key is busy. Refuse newcomers rather than grow without bound.
      if (buckets_.size() >= max_keys_) return false;
    }
    it = buckets_.emplace(key, Entry{TokenBucket(rate_, burst_), now}).first;
  }
  it->second.last_seen = now;
  return it->second.bucket.Take(now);
}

}  // namespace vigil
