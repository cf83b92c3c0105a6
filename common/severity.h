#pragma once
// Severities, most urgent first: of incidents, fault reports, probes, security findings and SLA
// targets. The names are part of the API and the configuration; ParseSeverity is the one check
// that a text is one.

#include <optional>
#include <string_view>

namespace vigil {

enum class Severity { kCritical, kHigh, kMedium, kLow };

std::string_view SeverityName(Severity severity);
std::optional<Severity> ParseSeverity(std::string_view text);

}  // namespace vigil
