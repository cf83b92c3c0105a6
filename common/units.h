#pragma once
// Strict parsing of the duration and size strings used in configuration files.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace vigil {

using Duration = std::chrono::milliseconds;

// Parses a Prometheus-style duration: one or more <integer><unit> terms in decreasing unit order,
// units ms, s, m, h, d (e.g. "500ms", "10s", "1h30m"). A bare number, a sign, a fraction or an
// unknown unit is an error whose message says which.
Result<Duration> ParseDuration(std::string_view text);

// Parses a size: <integer><unit>, unit one of B, KB, MB, GB, TB (powers of 1000) or KiB, MiB,
// GiB, TiB (powers of 1024). Overflow beyond 2^63 bytes is an error.
Result<std::uint64_t> ParseSize(std::string_view text);

// Renders a duration the way ParseDuration reads it ("1h30m", "250ms", "0s").
std::string FormatDuration(Duration d);

}  // namespace vigil
