#pragma once
// The API's JSON objects (../shared/API.md, docs/api.md), from the store's records.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "collector/http/query.h"
#include "collector/incidents/silence_book.h"
#include "collector/store/store.h"

namespace vigil::collector {

// A time as RFC 3339, or null; a text, or null.
nlohmann::json Rfc3339OrNull(const std::optional<std::int64_t>& unix_ms);
nlohmann::json TextOrNull(const std::optional<std::string>& text);

// `with_timeline`: lists leave the timeline out (GET /incidents/{id} has it).
nlohmann::json IncidentJson(const IncidentRecord& incident, bool with_timeline);
nlohmann::json SilenceJson(const SilenceState& silence);
// With its history; `sla` is the SLA engine's block for it (null without a target).
nlohmann::json FaultReportJson(const FaultReportRecord& report, nlohmann::json sla);
// Never the secret: the store does not have it.
nlohmann::json TokenJson(const TokenRecord& token);

// {"items": [...], "next_cursor": "…" | null} for a list kept in memory: the cursor is an offset.
nlohmann::json PageOf(std::vector<nlohmann::json> items, const PageRequest& page);

}  // namespace vigil::collector
