#pragma once
// Reading API requests' JSON bodies and their fields (query strings: collector/http/query.h).
// Every error is "bad_request" (or "invalid_time", "unsupported_media_type") and names the
// offending field.

#include <cstdint>
#include <initializer_list>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "collector/http/http_server.h"
#include "collector/http/query.h"
#include "common/result.h"

namespace vigil::collector {

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
