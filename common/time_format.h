#pragma once
// RFC 3339 times, as the REST API writes and reads them.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace vigil {

// "2026-11-27T10:57:44Z", with ".123" before the Z when the milliseconds are not zero.
std::string FormatRfc3339(std::int64_t unix_ms);

// Reads "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)" ('t', 'z' and a space for 'T' too) to
// milliseconds since the epoch; digits beyond milliseconds are dropped. Error "invalid_time"
// saying what is wrong.
Result<std::int64_t> ParseRfc3339(std::string_view text);

}  // namespace vigil
