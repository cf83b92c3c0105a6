#include "agent/security/debian_packages.h"

#include <cctype>

namespace vigil::agent {
namespace {

bool Digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// The weight of a non-digit character: letters first, then the rest; "~" below the end.
int Weight(char c) {
  if (c == '~') return -1;
  if (c == '\0' || Digit(c)) return 0;
  if (std::isalpha(static_cast<unsigned char>(c))) return c;
  return c + 256;
}

// Compares alternating runs of non-digits (by Weight) and digits (as numbers).
int ComparePart(std::string_view a, std::string_view b) {
  std::size_t i = 0, j = 0;
  const auto at = [](std::string_view s, std::size_t k) { return k < s.size() ? s[k] : '\0'; };
  while (i < a.size() || j < b.size()) {
    while ((i < a.size() && !Digit(a[i])) || (j < b.size() && !Digit(b[j]))) {
      const int wa = Weight(at(a, i));
      const int wb = Weight(at(b, j));
      if (wa != wb) return wa - wb;
      ++i;
      ++j;
    }
    while (at(a, i) == '0') ++i;
    while (at(b, j) == '0') ++j;
    int first_difference = 0;
    while (Digit(at(a, i)) && Digit(at(b, j))) {
      if (first_difference == 0) first_difference = at(a, i) - at(b, j);
      ++i;
      ++j;
    }
    if (Digit(at(a, i))) return 1;  // a's number has more digits
    if (Digit(at(b, j))) return -1;
    if (first_difference != 0) return first_difference;
  }
  return 0;
}

struct Version {
  long epoch = 0;
  std::string_view upstream;
  std::string_view revision;
};

Version Split(std::string_view text) {
  Version v;
  if (const std::size_t colon = text.find(':'); colon != std::string_view::npos) {
    v.epoch = std::strtol(std::string(text.substr(0, colon)).c_str(), nullptr, 10);
    text = text.substr(colon + 1);
  }
  if (const std::size_t dash = text.rfind('-'); dash != std::string_view::npos) {
    v.revision = text.substr(dash + 1);
    text = text.substr(0, dash);
  }
  v.upstream = text;
  return v;
}

}  // namespace

int CompareDebianVersions(std::string_view a, std::string_view b) {
  const Version va = Split(a);
  const Version vb = Split(b);
  if (va.epoch != vb.epoch) return va.epoch < vb.epoch ? -1 : 1;
  if (int c = ComparePart(va.upstream, vb.upstream); c != 0) return c;
  return ComparePart(va.revision, vb.revision);
}

std::vector<std::map<std::string, std::string>> ParseStanzas(std::string_view text) {
  std::vector<std::map<std::string, std::string>> stanzas;
  std::map<std::string, std::string> current;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) {
      if (!current.empty()) stanzas.push_back(std::move(current));
      current.clear();
    } else if (line.front() != ' ' && line.front() != '\t') {
      const std::size_t colon = line.find(':');
      if (colon != std::string_view::npos) {
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
          value.remove_prefix(1);
        current.emplace(std::string(line.substr(0, colon)), std::string(value));
      }
    }
    if (end == text.size()) break;
    start = end + 1;
  }
  if (!current.empty()) stanzas.push_back(std::move(current));
  return stanzas;
}

std::vector<PendingUpdate> FindPendingUpdates(std::string_view dpkg_status,
                                              std::string_view packages) {
  // The newest offered version per (package, architecture).
  std::map<std::pair<std::string, std::string>, std::string> offered;
  for (auto& stanza : ParseStanzas(packages)) {
    auto name = stanza.find("Package");
    auto version = stanza.find("Version");
    if (name == stanza.end() || version == stanza.end()) continue;
    const std::string arch = stanza.count("Architecture") ? stanza["Architecture"] : "all";
    std::string& best = offered[{name->second, arch}];
    if (best.empty() || CompareDebianVersions(version->second, best) > 0) best = version->second;
  }
  std::vector<PendingUpdate> pending;
  for (auto& stanza : ParseStanzas(dpkg_status)) {
    auto status = stanza.find("Status");
    if (status == stanza.end() || status->second.size() < 10 ||
        status->second.compare(status->second.size() - 10, 10, " installed") != 0) {
      continue;
    }
    const std::string name = stanza["Package"];
    const std::string installed = stanza["Version"];
    const std::string arch = stanza.count("Architecture") ? stanza["Architecture"] : "all";
    auto candidate = offered.find({name, arch});
    if (candidate == offered.end() || installed.empty()) continue;
    if (CompareDebianVersions(candidate->second, installed) > 0) {
      pending.push_back({name, arch, installed, candidate->second});
    }
  }
  return pending;
}

}  // namespace vigil::agent
