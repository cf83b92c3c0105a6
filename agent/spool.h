#pragma once
// The agent's durable queue of batches (SQLite, WAL). A batch is written here before it is sent and
// removed only when the collector acknowledges it, so nothing is lost while the collector is away
// or when the agent is killed. The spool is bounded: beyond max_bytes of payload the oldest
// batches are dropped and counted.
//
// Not thread-safe: the agent uses it from its one I/O thread.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/proto/vigil.pb.h"
#include "common/result.h"

namespace vigil::agent {

struct SpooledBatch {
  std::uint64_t sequence = 0;
  std::string payload;  // serialized wire::Batch
};

struct SpoolStats {
  std::uint64_t pending_batches = 0;
  std::uint64_t pending_bytes = 0;    // payload bytes, excluding SQLite's own overhead
  std::uint64_t dropped_batches = 0;  // since the spool was created, persisted
};

class Spool {
 public:
  // Opens or creates the spool file (and its folder). Errors name the path.
  static Result<std::unique_ptr<Spool>> Open(const std::string& path, std::uint64_t max_bytes);
  ~Spool();
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  // The sequence number the next appended batch must carry. Starts at 1 and never goes back.
  std::uint64_t NextSequence() const { return next_sequence_; }

  // Stores `batch`, whose sequence must be NextSequence(), durably (committed before returning).
  // Then drops the oldest batches while the payload exceeds max_bytes (never the one just added).
  Status Append(const wire::Batch& batch);

  // Up to `limit` batches with sequence > after, oldest first.
  Result<std::vector<SpooledBatch>> ReadAfter(std::uint64_t after, std::size_t limit);

  // Forgets every batch with sequence <= sequence (the collector has applied them).
  Status AcknowledgeThrough(std::uint64_t sequence);

  // Forgets one batch that can never be delivered (e.g. larger than the collector accepts).
  Status Discard(std::uint64_t sequence);

  // Gives the pending batches new consecutive sequence numbers starting at `first`, and moves
  // NextSequence() past them. Used when the collector has already applied more than this spool
  // ever produced (the spool was deleted or the agent reinstalled under the same id).
  Status Renumber(std::uint64_t first);

  void SetMaxBytes(std::uint64_t max_bytes) { max_bytes_ = max_bytes; }
  const SpoolStats& stats() const { return stats_; }

 private:
  struct Database;
  Spool(std::unique_ptr<Database> db, std::uint64_t max_bytes);
  Status Load();
  Status CountPending();
  Status EnforceLimit();

  std::unique_ptr<Database> db_;
  std::uint64_t max_bytes_;
  std::uint64_t next_sequence_ = 1;
  SpoolStats stats_;
  bool overflowing_ = false;  // dropping since the last append that fit
};

}  // namespace vigil::agent
