#pragma once
// Reading API requests: query strings, list parameters, JSON bodies and their fields. Every
// error is "bad_request" (or "invalid_time", "unsupported_media_type") and names the offending
// parameter or field.

#include <cstdint>
#include <initializer_list>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "collector/http_server.h"
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

// The body as a JSON object: an empty body is {}. A Content-Type other than application/json is
// "unsupported_media_type"; malformed JSON says where; a field given twice in one object, a
// number beyond a double's range and nesting deeper than 32 levels are refused, naming the field.
Result<nlohmann::json> ParseJsonBody(const HttpRequest& request);

// Typed access to a JSON object's fields, collecting the first problem. Unknown fields are
// refused, so that a misspelt field is not silently ignored.
class BodyReader {
 public:
  BodyReader(const nlohmann::json& body, std::initializer_list<std::string_view> known);

  std::optional<std::string> String(const std::string& name, bool required = false);
  std::optional<std::int64_t> Integer(const std::string& name, std::int64_t min, std::int64_t max);
  // An RFC 3339 time, as milliseconds.
  std::optional<std::int64_t> Time(const std::string& name, bool required = false);
  std::map<std::string, std::string> StringMap(const std::string& name);
  const nlohmann::json* Raw(const std::string& name) const;

  // The first problem, if any.
  Status status() const;
  void Fail(ErrorCode code, std::string message);

 private:
  const nlohmann::json& body_;
  std::optional<Error> error_;
};

}  // namespace vigil::collector
