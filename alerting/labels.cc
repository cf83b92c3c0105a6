#include "alerting/labels.h"

#include <algorithm>

namespace vigil::alerting {

std::string_view LabelValue(const Labels& labels, std::string_view name) {
  auto it = std::lower_bound(labels.begin(), labels.end(), name,
                             [](const Label& label, std::string_view n) { return label.name < n; });
  if (it == labels.end() || it->name != name) return {};
  return it->value;
}

void SetLabel(Labels& labels, std::string_view name, std::string_view value) {
  auto it = std::lower_bound(labels.begin(), labels.end(), name,
                             [](const Label& label, std::string_view n) { return label.name < n; });
  const bool present = it != labels.end() && it->name == name;
  if (value.empty()) {
    if (present) labels.erase(it);
    return;
  }
  if (present) {
    it->value = std::string(value);
  } else {
    labels.insert(it, Label{std::string(name), std::string(value)});
  }
}

Labels Normalized(Labels labels) {
  std::stable_sort(labels.begin(), labels.end(),
                   [](const Label& a, const Label& b) { return a.name < b.name; });
  Labels out;
  out.reserve(labels.size());
  for (Label& label : labels) {
    if (!out.empty() && out.back().name == label.name) {
      out.back().value = std::move(label.value);
    } else {
      out.push_back(std::move(label));
    }
  }
  std::erase_if(out, [](const Label& label) { return label.value.empty(); });
  return out;
}

std::uint64_t Fnv1a64(std::string_view bytes, std::uint64_t seed) {
  std::uint64_t hash = seed;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

std::string HexHash64(std::uint64_t hash) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = kDigits[hash & 0xf];
    hash >>= 4;
  }
  return out;
}

std::string Fingerprint(std::string_view rule, const Labels& labels) {
  // A separator byte that cannot occur in names keeps ("a","bc") apart from ("ab","c").
  static constexpr std::string_view kSeparator("\xff", 1);
  std::uint64_t hash = Fnv1a64(rule);
  for (const Label& label : labels) {
    hash = Fnv1a64(kSeparator, hash);
    hash = Fnv1a64(label.name, hash);
    hash = Fnv1a64(kSeparator, hash);
    hash = Fnv1a64(label.value, hash);
  }
  return HexHash64(hash);
}

}  // namespace vigil::alerting
