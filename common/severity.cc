#include "common/severity.h"

namespace vigil {

std::string_view SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kCritical: return "critical";
    case Severity::kHigh: return "high";
    case Severity::kMedium: return "medium";
    case Severity::kLow: return "low";
  }
  return "unknown";
}

std::optional<Severity> ParseSeverity(std::string_view text) {
  for (Severity severity :
       {Severity::kCritical, Severity::kHigh, Severity::kMedium, Severity::kLow}) {
    if (SeverityName(severity) == text) return severity;
  }
  return std::nullopt;
}

}  // namespace vigil
