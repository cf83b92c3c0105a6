#include "common/severity.h"

#include "common/enum_names.h"

namespace vigil {

namespace {

constexpr EnumNames<Severity, 4> kNames{{{Severity::kCritical, "critical"},
                                         {Severity::kHigh, "high"},
                                         {Severity::kMedium, "medium"},
                                         {Severity::kLow, "low"}}};

}  // namespace

std::string_view SeverityName(Severity severity) { return NameIn(kNames, severity); }

std::optional<Severity> ParseSeverity(std::string_view text) { return ValueIn(kNames, text); }

}  // namespace vigil
