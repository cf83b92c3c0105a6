#pragma once
// Silences: label matchers and a time window, kept for the record after they expire.

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace vigil::collector {

struct SilenceMatcher {
  std::string name;
  std::string op;  // =, !=, =~, !~
  std::string value;
};

struct SilenceRecord {
  std::string id;
  std::vector<SilenceMatcher> matchers;
  std::int64_t starts_ms = 0;
  std::int64_t ends_ms = 0;
  std::string comment;
  std::string created_by;
  std::int64_t created_ms = 0;
};

class SilenceStore {
 public:
  virtual ~SilenceStore() = default;
  virtual Status CreateSilence(const SilenceRecord& silence) = 0;
  // Error "not_found" for an unknown id.
  virtual Status SetSilenceEnd(const std::string& id, std::int64_t ends_ms) = 0;
  // Newest first.
  virtual Result<std::vector<SilenceRecord>> ListSilences() = 0;
};

}  // namespace vigil::collector
