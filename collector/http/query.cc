#include "collector/http/query.h"

#include <algorithm>
#include <charconv>

#include "common/time_format.h"

namespace vigil::collector {

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> Decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int high = HexValue(text[i + 1]);
      const int low = HexValue(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

Result<std::map<std::string, std::string>> ParseQuery(std::string_view target) {
  std::map<std::string, std::string> out;
  const std::size_t question = target.find('?');
  if (question == std::string_view::npos) return out;
  std::string_view query = target.substr(question + 1);
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t equals = pair.find('=');
    auto name = Decode(pair.substr(0, equals));
    auto value =
        Decode(equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1));
    if (!name || !value) {
      return MakeError(ErrorCode::kBadRequest, "malformed percent-encoding in the query string");
    }
    if (!out.emplace(*name, *value).second) {
      return MakeError(ErrorCode::kBadRequest, "query parameter " + *name + " is given twice");
    }
  }
  return out;
}

std::optional<std::string> QueryText(const std::map<std::string, std::string>& query,
                                     const std::string& name) {
  auto it = query.find(name);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

Status CheckQueryParameters(const std::map<std::string, std::string>& query,
                            std::initializer_list<std::string_view> known) {
  for (const auto& [name, value] : query) {
    if (name == "limit" || name == "cursor") continue;
    if (std::find(known.begin(), known.end(), name) != known.end()) continue;
    std::string list = "limit, cursor";
    for (std::string_view k : known) list += ", " + std::string(k);
    return MakeError(ErrorCode::kBadRequest,
                     "unknown query parameter \"" + name + "\"; this endpoint takes " + list);
  }
  return OkStatus();
}

Result<PageRequest> ReadPageRequest(const std::map<std::string, std::string>& query) {
  PageRequest page;
  if (auto it = query.find("limit"); it != query.end()) {
    std::size_t limit = 0;
    auto [ptr, ec] =
        std::from_chars(it->second.data(), it->second.data() + it->second.size(), limit);
    if (ec != std::errc() || ptr != it->second.data() + it->second.size() || limit < 1 ||
        limit > kMaxPageSize) {
      return MakeError(ErrorCode::kBadRequest,
                       "limit: expected a number from 1 to " + std::to_string(kMaxPageSize));
    }
    page.limit = limit;
  }
  if (auto it = query.find("cursor"); it != query.end()) {
    std::int64_t cursor = 0;
    auto [ptr, ec] =
        std::from_chars(it->second.data(), it->second.data() + it->second.size(), cursor);
    if (ec != std::errc() || ptr != it->second.data() + it->second.size() || cursor < 0) {
      return MakeError(ErrorCode::kBadRequest, "cursor: not a cursor this API gave out");
    }
    page.cursor = cursor;
  }
  return page;
}

Result<std::optional<std::int64_t>> QueryTime(const std::map<std::string, std::string>& query,
                                              const std::string& name) {
  auto it = query.find(name);
  if (it == query.end()) return std::optional<std::int64_t>();
  auto parsed = ParseRfc3339(it->second);
  if (!parsed) return MakeError(ErrorCode::kBadRequest, name + ": " + parsed.error().message);
  return std::optional<std::int64_t>(*parsed);
}

Result<QueryPeriod> ReadQueryPeriod(const std::map<std::string, std::string>& query,
                                    const std::string& from_name, const std::string& to_name) {
  auto from = QueryTime(query, from_name);
  if (!from) return from.error();
  auto to = QueryTime(query, to_name);
  if (!to) return to.error();
  if (*from && *to && **from > **to) {
    return MakeError(ErrorCode::kBadRequest, from_name + ": must not be after " + to_name);
  }
  return QueryPeriod{*from, *to};
}

}  // namespace vigil::collector
