#pragma once
// What the stores' lists share.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace vigil::collector {

using StringPairs = std::vector<std::pair<std::string, std::string>>;

// One page of a list, newest first; `next` continues it when there is more.
template <typename T>
struct Page {
  std::vector<T> items;
  std::optional<std::int64_t> next;
};

}  // namespace vigil::collector
