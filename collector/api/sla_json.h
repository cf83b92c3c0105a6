#pragma once
// The SLA engine's answers as the API writes them (../shared/API.md, "SLA"): the overview and the
// report as JSON, the report's items as CSV, and the "sla" block of a fault report.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "collector/sla/sla_report.h"

namespace vigil::collector {

// Dues, met and paused; null without a target.
nlohmann::json SlaBlockJson(const std::optional<SlaFigures>& figures);
nlohmann::json SlaOverviewJson(const SlaOverview& overview);
nlohmann::json SlaReportJson(const SlaReport& report);
// One row per item, header first, CRLF line ends; cells neutralised against formulas.
std::string SlaReportCsv(const SlaReport& report);

}  // namespace vigil::collector
