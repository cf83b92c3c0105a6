#pragma once
// The series a rule engine knows, as Prometheus's seriesHashmap keeps them: a hash of the labels
// finds the candidates and equal labels decide, so two series whose hashes collide stay two
// series. A series is named by a ref, unique among all it knows. Not thread-safe (the engine's).

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "alerting/labels.h"
#include "common/proto/vigil.pb.h"

namespace vigil::alerting {

// How a saved alert state names its series: its origin and its labels' hash, "ORIGIN#HEX".
inline std::string SeriesKey(const std::string& origin, std::uint64_t hash) {
  return origin + "#" + HexHash64(hash);
}
inline std::optional<std::pair<std::string, std::uint64_t>> ParseSeriesKey(const std::string& key) {
  const std::size_t at = key.rfind('#');
  std::uint64_t hash = 0;
  if (at == std::string::npos ||
      std::from_chars(key.data() + at + 1, key.data() + key.size(), hash, 16).ec != std::errc()) {
    return std::nullopt;
  }
  return std::pair{key.substr(0, at), hash};
}

// How a series' canonical labels (CanonicalLabels) are hashed; null: FNV-1a 64.
using SeriesHash = std::uint64_t (*)(std::string_view canonical_labels);

inline constexpr std::string_view kSeparator("\xff", 1);

// A label set as text, each name and value followed by a separator byte (labels cannot hold
// 0xff in valid UTF-8): what a series is, and what its hash is taken of.
template <typename Range, typename Name, typename Value>
std::string CanonicalLabels(const Range& labels, Name name, Value value) {
  std::string out;
  for (const auto& label : labels) {
    out.append(name(label)).append(kSeparator).append(value(label)).append(kSeparator);
  }
  return out;
}

// Readers of one label, for the templates below.
inline std::string_view WireName(const wire::Label& l) { return l.name(); }
inline std::string_view WireValue(const wire::Label& l) { return l.value(); }
inline std::string_view LabelName(const Label& l) { return l.name; }
inline std::string_view LabelValueOf(const Label& l) { return l.value; }

// Whether `canonical` (CanonicalLabels) is the text of `labels`, without building it.
template <typename Range, typename Name, typename Value>
bool SameLabels(std::string_view canonical, const Range& labels, Name name, Value value) {
  for (const auto& label : labels) {
    for (std::string_view part : {name(label), value(label)}) {
      if (canonical.substr(0, part.size()) != part) return false;
      canonical.remove_prefix(part.size());
      if (canonical.substr(0, 1) != kSeparator) return false;
      canonical.remove_prefix(1);
    }
  }
  return canonical.empty();
}

// The series an engine knows, as Prometheus's seriesHashmap keeps them: a hash of the labels
// finds the candidates, equal labels decide, so two series whose hashes collide stay two series.
class SeriesRefs {
 public:
  explicit SeriesRefs(SeriesHash hash) : hash_(hash) {}

  // The ref of `labels` in `origin`, known already or new.
  template <typename Range, typename Name, typename Value>
  std::uint64_t Of(std::uint32_t origin, const Range& labels, Name name, Value value) {
    const std::uint64_t hash = Hash(labels, name, value);
    std::vector<std::uint64_t>& bucket = buckets_[{origin, hash}];
    for (std::uint64_t ref : bucket) {
      Known& known = series_.at(ref);
      if (SameLabels(known.labels, labels, name, value)) return Seen(ref, known);
    }
    for (std::uint64_t ref : bucket) {
      Known& known = series_.at(ref);
      if (known.restored) {  // the first series of its hash after a restart claims it
        known.labels = CanonicalLabels(labels, name, value);
        known.restored = false;
        return Seen(ref, known);
      }
    }
    const std::uint64_t ref = Add(origin, hash, CanonicalLabels(labels, name, value), false);
    return Seen(ref, series_.at(ref));
  }

  // Starts a snapshot: SeenInThisSnapshot tells the series Of() was asked for since.
  void BeginSnapshot() { ++snapshot_; }
  bool SeenInThisSnapshot(std::uint64_t ref) const {
    auto known = series_.find(ref);
    return known != series_.end() && known->second.seen == snapshot_;
  }

  // A series known only by its origin and hash (a state restored from the store).
  std::uint64_t Restored(std::uint32_t origin, std::uint64_t hash) {
    for (std::uint64_t ref : buckets_[{origin, hash}]) {
      if (series_.at(ref).restored) return ref;
    }
    return Add(origin, hash, {}, true);
  }

  std::uint64_t HashOf(std::uint64_t ref) const { return series_.at(ref).hash; }

  // The series is gone and nothing refers to it any more.
  void Release(std::uint64_t ref) {
    auto known = series_.find(ref);
    if (known == series_.end()) return;
    auto bucket = buckets_.find({known->second.origin, known->second.hash});
    std::erase(bucket->second, ref);
    if (bucket->second.empty()) buckets_.erase(bucket);
    series_.erase(known);
  }

 private:
  struct Known {
    std::uint32_t origin;
    std::uint64_t hash;
    std::string labels;  // CanonicalLabels; empty while `restored`
    bool restored;
    std::uint64_t seen = 0;  // the last snapshot that had it
  };

  std::uint64_t Seen(std::uint64_t ref, Known& known) {
    known.seen = snapshot_;
    return ref;
  }
  struct BucketKeyHash {
    std::size_t operator()(const std::pair<std::uint32_t, std::uint64_t>& key) const {
      return static_cast<std::size_t>(key.second ^ (static_cast<std::uint64_t>(key.first) << 47));
    }
  };

  template <typename Range, typename Name, typename Value>
  std::uint64_t Hash(const Range& labels, Name name, Value value) const {
    if (hash_ != nullptr) return hash_(CanonicalLabels(labels, name, value));
    std::uint64_t hash = Fnv1a64({});
    for (const auto& label : labels) {
      hash = Fnv1a64(kSeparator, Fnv1a64(name(label), hash));
      hash = Fnv1a64(kSeparator, Fnv1a64(value(label), hash));
    }
    return hash;
  }

  std::uint64_t Add(std::uint32_t origin, std::uint64_t hash, std::string labels, bool restored) {
    const std::uint64_t ref = next_ref_++;
    series_.emplace(ref, Known{origin, hash, std::move(labels), restored});
    buckets_[{origin, hash}].push_back(ref);
    return ref;
  }

  SeriesHash hash_;
  std::uint64_t next_ref_ = 1;
  std::uint64_t snapshot_ = 0;
  std::unordered_map<std::uint64_t, Known> series_;
  std::unordered_map<std::pair<std::uint32_t, std::uint64_t>, std::vector<std::uint64_t>,
                     BucketKeyHash>
      buckets_;
};

}  // namespace vigil::alerting
