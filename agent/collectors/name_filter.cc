#include "agent/collectors/name_filter.h"

namespace vigil::agent {

NameFilter::NameFilter(const std::string& include, const std::string& exclude)
    : has_include_(!include.empty()),
      has_exclude_(!exclude.empty()),
      include_(include, std::regex::optimize),
      exclude_(exclude, std::regex::optimize) {}

bool NameFilter::Keep(const std::string& name) {
  if (auto known = verdicts_.find(name); known != verdicts_.end()) return known->second;
  const bool keep = (!has_include_ || std::regex_search(name, include_)) &&
                    (!has_exclude_ || !std::regex_search(name, exclude_));
  // A host whose names keep changing (containers coming and going) must not grow this forever.
  if (verdicts_.size() >= kMaxRemembered) verdicts_.clear();
  verdicts_.emplace(name, keep);
  return keep;
}

}  // namespace vigil::agent
