#pragma once
// Who runs on a store: a running collector holds an exclusive lock (flock) on "<store>.lock" for
// its whole life, so that a second collector cannot open the same SQLite file and `store restore`
// can refuse while one uses it. The kernel drops the lock when the process ends, however it ends.

#include <string>

#include "common/result.h"

namespace vigil::collector {

class StoreLock {
 public:
  // Errors "busy" (naming the holder's pid when it can be read) when another process holds it.
  static Result<StoreLock> Acquire(const std::string& store_path);
  StoreLock(StoreLock&& other) noexcept;
  StoreLock& operator=(StoreLock&&) = delete;
  StoreLock(const StoreLock&) = delete;
  ~StoreLock();

 private:
  explicit StoreLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace vigil::collector
