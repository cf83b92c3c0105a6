#pragma once
// Incident severities, most urgent first. The names are part of the API and the configuration.

#include <optional>
#include <string_view>

namespace vigil::alerting {

enum class Severity { kCritical, kHigh, kMedium, kLow };

std::string_view SeverityName(Severity severity);
std::optional<Severity> ParseSeverity(std::string_view text);

}  // namespace vigil::alerting
