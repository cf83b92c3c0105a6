#pragma once
// Token buckets, for bounding how fast an outsider can make us do work (new connections, log
// lines). Time is passed in, so tests drive it by hand. Not thread-safe.

#include <chrono>
#include <cstddef>
#include <map>
#include <string>

namespace vigil {

class TokenBucket {
 public:
  // `rate` tokens a second, holding at most `burst`; starts full.
  TokenBucket(double rate, double burst);

  // Takes one token when there is one.
  bool Take(std::chrono::steady_clock::time_point now);

 private:
  double rate_;
  double burst_;
  double tokens_;
  std::chrono::steady_clock::time_point last_{};
  bool started_ = false;
};

// One bucket per key (e.g. per client address), with at most max_keys buckets: when full, buckets
// that have refilled completely are forgotten, since a new bucket starts full anyway.
class KeyedRateLimiter {
 public:
  KeyedRateLimiter(double rate, double burst, std::size_t max_keys);

  bool Take(const std::string& key, std::chrono::steady_clock::time_point now);
  std::size_t size() const { return buckets_.size(); }

 private:
  struct Entry {
    TokenBucket bucket;
    std::chrono::steady_clock::time_point last_seen;
  };
  double rate_;
  double burst_;
  std::size_t max_keys_;
  std::map<std::string, Entry> buckets_;
};

}  // namespace vigil
