#include "common/units.h"

#include <array>
#include <cctype>
#include <limits>

namespace vigil {
namespace {

struct Unit {
  std::string_view suffix;
  std::uint64_t factor;
};

// Longest suffixes first so that "ms" is not read as "m" followed by garbage.
constexpr std::array<Unit, 5> kDurationUnits{
    {{"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}, {"d", 86'400'000}}};

constexpr std::array<Unit, 9> kSizeUnits{{{"KiB", 1ULL << 10},
                                          {"MiB", 1ULL << 20},
                                          {"GiB", 1ULL << 30},
                                          {"TiB", 1ULL << 40},
                                          {"KB", 1000ULL},
                                          {"MB", 1000ULL * 1000},
                                          {"GB", 1000ULL * 1000 * 1000},
                                          {"TB", 1000ULL * 1000 * 1000 * 1000},
                                          {"B", 1}}};

// Reads leading decimal digits; false when there are none or they overflow 64 bits.
bool ReadInteger(std::string_view& text, std::uint64_t& out) {
  std::size_t i = 0;
  out = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    const std::uint64_t digit = static_cast<std::uint64_t>(text[i] - '0');
    if (out > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return false;
    out = out * 10 + digit;
    ++i;
  }
  if (i == 0) return false;
  text.remove_prefix(i);
  return true;
}

std::string Quote(std::string_view text) {
  std::string quoted;
  quoted.reserve(text.size() + 2);
  quoted += '"';
  quoted.append(text);
  quoted += '"';
  return quoted;
}

}  // namespace

Result<Duration> ParseDuration(std::string_view text) {
  if (text.empty()) return MakeError(ErrorCode::kInvalidArgument, "empty duration");
  const std::string_view original = text;
  std::uint64_t total_ms = 0;
  std::size_t previous_unit = 0;  // index into kDurationUnits (by size); enforces decreasing order
  bool first = true;
  while (!text.empty()) {
    std::uint64_t amount = 0;
    if (!ReadInteger(text, amount)) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "invalid duration " + Quote(original) +
                           ": expected a whole number followed by ms, s, m, h or d");
    }
    const Unit* unit = nullptr;
    for (const Unit& candidate : kDurationUnits) {
      if (text.substr(0, candidate.suffix.size()) == candidate.suffix) {
        unit = &candidate;
        break;
      }
    }
    if (unit == nullptr) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "invalid duration " + Quote(original) +
                           ": missing or unknown unit (use ms, s, m, h or d)");
    }
    const std::size_t unit_rank = static_cast<std::size_t>(unit->factor);
    if (!first && unit_rank >= previous_unit) {
      return MakeError(ErrorCode::kInvalidArgument, "invalid duration " + Quote(original) +
                                                        ": units must go from largest to smallest");
    }
    if (amount > std::numeric_limits<std::uint64_t>::max() / unit->factor ||
        total_ms + amount * unit->factor < total_ms ||
        total_ms + amount * unit->factor >
            static_cast<std::uint64_t>(std::numeric_limits<Duration::rep>::max())) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "invalid duration " + Quote(original) + ": too large");
    }
    total_ms += amount * unit->factor;
    previous_unit = unit_rank;
    first = false;
    text.remove_prefix(unit->suffix.size());
  }
  return Duration(static_cast<Duration::rep>(total_ms));
}

Result<std::uint64_t> ParseSize(std::string_view text) {
  const std::string_view original = text;
  std::uint64_t amount = 0;
  if (!ReadInteger(text, amount)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "invalid size " + Quote(original) +
                         ": expected a whole number followed by a unit such as "
                         "B, KiB, MiB or GiB");
  }
  for (const Unit& unit : kSizeUnits) {
    if (text == unit.suffix) {
      if (amount >
          static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) / unit.factor) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "invalid size " + Quote(original) + ": too large");
      }
      return amount * unit.factor;
    }
  }
  return MakeError(ErrorCode::kInvalidArgument,
                   "invalid size " + Quote(original) +
                       ": missing or unknown unit (use B, KB, MB, GB, TB, KiB, MiB, GiB or TiB)");
}

std::string FormatDuration(Duration d) {
  auto ms = static_cast<std::uint64_t>(d.count() < 0 ? 0 : d.count());
  if (ms == 0) return "0s";
  std::string out;
  for (auto it = kDurationUnits.rbegin(); it != kDurationUnits.rend(); ++it) {
    if (ms >= it->factor) {
      out += std::to_string(ms / it->factor) + std::string(it->suffix);
      ms %= it->factor;
    }
  }
  return out;
}

}  // namespace vigil
