#pragma once
// Include/exclude filtering of names (devices, mount points, fields) by regular expressions, with
// each name's verdict remembered: the names on a host barely change between collections, and
// std::regex is slow enough that searching every name every time dominated a collection's cost.
// Not thread-safe.

#include <regex>
#include <string>
#include <unordered_map>

namespace vigil::agent {

class NameFilter {
 public:
  // A name is kept when it matches the include pattern (an empty one includes everything) and not
  // the exclude pattern (an empty one excludes nothing). Throws std::regex_error for invalid
  // patterns.
  NameFilter(const std::string& include, const std::string& exclude);

  bool Keep(const std::string& name);

 private:
  static constexpr std::size_t kMaxRemembered = 4096;
  bool has_include_;
  bool has_exclude_;
  std::regex include_;
  std::regex exclude_;
  std::unordered_map<std::string, bool> verdicts_;
};

}  // namespace vigil::agent
