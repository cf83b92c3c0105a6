#pragma once
// Reading query strings: parameters, list pages, times and periods. Every error is "bad_request"
// and names the offending parameter.

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace vigil::collector {

// The decoded query parameters of `target` ("/path?a=1&b=x%20y"). A parameter given twice is an
// error.
Result<std::map<std::string, std::string>> ParseQuery(std::string_view target);

// The parameter's value, or nullopt when it is not given.
std::optional<std::string> QueryText(const std::map<std::string, std::string>& query,
                                     const std::string& name);

// Refuses parameters not in `known` (limit and cursor are always known).
Status CheckQueryParameters(const std::map<std::string, std::string>& query,
                            std::initializer_list<std::string_view> known);

inline constexpr std::size_t kDefaultPageSize = 100;
inline constexpr std::size_t kMaxPageSize = 1000;

struct PageRequest {
  std::size_t limit = kDefaultPageSize;
  std::optional<std::int64_t> cursor;  // opaque to clients; a number here
};
Result<PageRequest> ReadPageRequest(const std::map<std::string, std::string>& query);

// An optional RFC 3339 query parameter, as milliseconds.
Result<std::optional<std::int64_t>> QueryTime(const std::map<std::string, std::string>& query,
                                              const std::string& name);

// Two optional RFC 3339 query parameters that bound a period, as milliseconds; the first after
// the second is a "bad_request" naming both.
struct QueryPeriod {
  std::optional<std::int64_t> from_ms;
  std::optional<std::int64_t> to_ms;
};
Result<QueryPeriod> ReadQueryPeriod(const std::map<std::string, std::string>& query,
                                    const std::string& from_name, const std::string& to_name);

}  // namespace vigil::collector
