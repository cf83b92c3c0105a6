#pragma once
// Label sets as rules, incidents and silences see them: name/value pairs sorted by name, each name
// at most once. A label that is absent has the empty value, as in Prometheus.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vigil::alerting {

struct Label {
  std::string name;
  std::string value;
  auto operator<=>(const Label&) const = default;
};

using Labels = std::vector<Label>;

// The value of `name`, or empty when absent. `labels` must be sorted.
std::string_view LabelValue(const Labels& labels, std::string_view name);

// Sets `name` to `value` (replacing, or inserting in order). An empty value removes the label.
void SetLabel(Labels& labels, std::string_view name, std::string_view value);

// Sorts by name; for repeated names the last one wins.
Labels Normalized(Labels labels);

// A stable 64-bit FNV-1a hash, as 16 lowercase hex digits. The same input gives the same text in
// every version, because fingerprints are stored.
std::string HexHash64(std::uint64_t hash);
std::uint64_t Fnv1a64(std::string_view bytes, std::uint64_t seed = 14695981039346656037ULL);

// An incident's identity: the rule's name and the full label set.
std::string Fingerprint(std::string_view rule, const Labels& labels);

}  // namespace vigil::alerting
