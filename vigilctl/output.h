#pragma once
// How vigilctl prints what the API returns: an aligned table for people (times in local time),
// CSV for spreadsheets (times as the API gives them), or the API's JSON unchanged.

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace vigil::ctl {

enum class Format { kTable, kJson, kCsv };

struct Column {
  std::string header;
  std::function<std::string(const nlohmann::json&)> cell;
  bool is_time = false;  // an RFC 3339 value: shown in local time in tables
};

// A column reading `field` (a string, number, bool or null, shown as "-").
Column Field(std::string header, std::string field, bool is_time = false);

// Header, then one line per row; columns padded to their widest cell, two spaces apart.
std::string RenderTable(const std::vector<Column>& columns,
                        const std::vector<nlohmann::json>& rows);
// RFC 4180: header first; fields with a comma, quote or line break are quoted.
std::string RenderCsv(const std::vector<Column>& columns, const std::vector<nlohmann::json>& rows);
// One "Header: value" line per column, for a single object.
std::string RenderFields(const std::vector<Column>& columns, const nlohmann::json& object);

// "2026-11-27T10:57:44Z" -> "2026-11-27 11:57:44" in the local time zone; other text unchanged.
std::string LocalTime(const std::string& rfc3339);
// A JSON scalar as text; null and absent as "-".
std::string Scalar(const nlohmann::json& value);

}  // namespace vigil::ctl
