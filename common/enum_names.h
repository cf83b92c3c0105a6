#pragma once
// The names of an enum's values as the API, the configuration and the store spell them: one table
// per enum, read in both directions, so each name is written once.

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace vigil {

template <typename Enum, std::size_t N>
using EnumNames = std::array<std::pair<Enum, std::string_view>, N>;

// The value's name; empty for a value the table does not have.
template <typename Enum, std::size_t N>
constexpr std::string_view NameIn(const EnumNames<Enum, N>& names, Enum value) {
  for (const auto& [candidate, name] : names) {
    if (candidate == value) return name;
  }
  return {};
}

// The value named `name`; nullopt when no value has that name.
template <typename Enum, std::size_t N>
constexpr std::optional<Enum> ValueIn(const EnumNames<Enum, N>& names, std::string_view name) {
  for (const auto& [value, candidate] : names) {
    if (candidate == name) return value;
  }
  return std::nullopt;
}

}  // namespace vigil
