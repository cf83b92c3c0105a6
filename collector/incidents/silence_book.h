#pragma once
// Silences: label matchers and a time window. A silenced incident is still opened and recorded,
// marked silenced, and not notified. The book keeps every silence in memory (they are few) and in
// the store. Thread-safe.

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "alerting/label_matcher.h"
#include "collector/store/store.h"

namespace vigil::collector {

// Most silences kept (active, pending and expired together); creating more is refused.
inline constexpr std::size_t kMaxSilences = 10000;
inline constexpr std::size_t kMaxSilenceMatchers = 32;
// A matcher's name and value, each (a label value an agent may send is no longer).
inline constexpr std::size_t kMaxSilenceMatcherBytes = 1024;
// How long a silence may last, and how far ahead it may start.
inline constexpr std::int64_t kMaxSilenceMillis = 366LL * 24 * 3600 * 1000;

struct SilenceState {
  SilenceRecord record;
  std::string state;  // pending, active or expired, at the time asked
};

class SilenceBook {
 public:
  explicit SilenceBook(SilenceStore& store);

  // Reads the silences from the store.
  Status Load();

  // Checks the matchers (at least one; valid names, operators and regular expressions; not all
  // matching the empty value) and the window (ends after it starts and after `now_ms`), then
  // stores it. Errors "bad_request" naming the field.
  Result<SilenceRecord> Create(SilenceRecord silence, std::int64_t now_ms);
  // Ends it now (kept, as expired). Error "not_found"; expiring an expired one changes nothing.
  Result<SilenceRecord> Expire(const std::string& id, std::int64_t now_ms);

  std::vector<SilenceState> List(std::int64_t now_ms) const;
  std::optional<SilenceState> Get(const std::string& id, std::int64_t now_ms) const;

  // The first silence active at `at_ms` whose matchers all match `labels`.
  std::optional<std::string> Matching(const alerting::Labels& labels, std::int64_t at_ms) const;
  // The next start or end of a silence after `now_ms`, when incidents' silenced flags may change.
  std::optional<std::int64_t> NextChange(std::int64_t now_ms) const;

 private:
  struct Entry {
    SilenceRecord record;
    std::vector<alerting::LabelMatcher> matchers;
  };
  static std::string StateAt(const SilenceRecord& record, std::int64_t now_ms);

  SilenceStore& store_;
  mutable std::mutex mutex_;
  std::vector<Entry> silences_;  // newest first; guarded by mutex_
};

}  // namespace vigil::collector
