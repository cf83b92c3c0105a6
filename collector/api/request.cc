#include "collector/api/request.h"

#include <algorithm>
#include <charconv>
#include <vector>

#include "common/time_format.h"

namespace vigil::collector {

namespace {

// Builds the body's JSON document, refusing what nlohmann's own parser would let through: a field
// given twice in one object (which copy would a reader see?), a number beyond a double's range
// (1e400), and nesting deeper than kMaxDepth. Each refusal names the field where it happened.
class BodyBuilder final : public nlohmann::json_sax<nlohmann::json> {
 public:
  static constexpr std::size_t kMaxDepth = 32;

  nlohmann::json& document() { return root_; }
  const std::string& problem() const { return problem_; }

  bool null() override { return Put(nullptr) != nullptr; }
  bool boolean(bool value) override { return Put(value) != nullptr; }
  bool number_integer(number_integer_t value) override { return Put(value) != nullptr; }
  bool number_unsigned(number_unsigned_t value) override { return Put(value) != nullptr; }
  bool number_float(number_float_t value, const string_t& /*text*/) override {
    return Put(value) != nullptr;
  }
  bool string(string_t& value) override { return Put(std::move(value)) != nullptr; }
  bool binary(binary_t& value) override { return Put(nlohmann::json::binary(value)) != nullptr; }

  bool start_object(std::size_t /*elements*/) override { return Open(nlohmann::json::object()); }
  bool key(string_t& name) override {
    Frame& frame = stack_.back();
    if (frame.value->contains(name)) {
      frame.key = name;
      problem_ = Path() + ": given more than once";
      return false;
    }
    frame.key = std::move(name);
    return true;
  }
  bool end_object() override {
    stack_.pop_back();
    return true;
  }
  bool start_array(std::size_t /*elements*/) override { return Open(nlohmann::json::array()); }
  bool end_array() override {
    stack_.pop_back();
    return true;
  }

  bool parse_error(std::size_t position, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& error) override {
    // 406: a number the lexer read but no double holds.
    if (error.id == 406) {
      problem_ = Path() + ": number out of range";
    } else {
      problem_ = "malformed JSON at byte " + std::to_string(position) + " of the body";
    }
    return false;
  }

 private:
  struct Frame {
    nlohmann::json* value;
    std::string key;  // objects: the field being read
  };

  // Where the value being read goes: "severity", "labels.team", "matchers[2].value".
  std::string Path() const {
    std::string path;
    for (std::size_t i = 0; i < stack_.size(); ++i) {
      const Frame& frame = stack_[i];
      if (frame.value->is_object()) {
        path += (path.empty() ? "" : ".") + frame.key;
      } else {
        // An open array's last element is the one being read, unless it is the innermost.
        const std::size_t index = frame.value->size() - (i + 1 < stack_.size() ? 1 : 0);
        path += "[" + std::to_string(index) + "]";
      }
    }
    return path.empty() ? "the body" : path;
  }

  nlohmann::json* Put(nlohmann::json value) {
    if (stack_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    Frame& frame = stack_.back();
    if (frame.value->is_object()) return &((*frame.value)[frame.key] = std::move(value));
    frame.value->push_back(std::move(value));
    return &frame.value->back();
  }

  bool Open(nlohmann::json container) {
    if (stack_.size() == kMaxDepth) {
      problem_ = Path() + ": nested deeper than " + std::to_string(kMaxDepth) + " levels";
      return false;
    }
    nlohmann::json* placed = Put(std::move(container));
    stack_.push_back({placed, {}});
    return true;
  }

  nlohmann::json root_;
  std::vector<Frame> stack_;
  std::string problem_;
};

}  // namespace

Result<nlohmann::json> ParseJsonBody(const HttpRequest& request) {
  if (auto type = request.headers.find("content-type"); type != request.headers.end()) {
    const std::string media = type->second.substr(0, type->second.find(';'));
    if (media != "application/json" && !request.body.empty()) {
      return MakeError(ErrorCode::kUnsupportedMediaType,
                       "Content-Type must be application/json, not " + media);
    }
  }
  if (request.body.find_first_not_of(" \t\r\n") == std::string::npos) {
    return nlohmann::json::object();
  }
  BodyBuilder builder;
  if (!nlohmann::json::sax_parse(request.body, &builder)) {
    return MakeError(ErrorCode::kBadRequest,
                     builder.problem().empty() ? "malformed JSON body" : builder.problem());
  }
  if (!builder.document().is_object()) {
    return MakeError(ErrorCode::kBadRequest, "the body must be a JSON object");
  }
  return std::move(builder.document());
}

BodyReader::BodyReader(const nlohmann::json& body, std::initializer_list<std::string_view> known)
    : body_(body) {
  for (const auto& [name, value] : body_.items()) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      std::string list;
      for (std::string_view k : known) list += (list.empty() ? "" : ", ") + std::string(k);
      Fail(ErrorCode::kBadRequest, "unknown field \"" + name + "\"; expected " + list);
      return;
    }
  }
}

void BodyReader::Fail(ErrorCode code, std::string message) {
  if (!error_) error_ = Error{code, std::move(message)};
}

Status BodyReader::status() const {
  if (error_) return *error_;
  return OkStatus();
}

const nlohmann::json* BodyReader::Raw(const std::string& name) const {
  auto it = body_.find(name);
  if (it == body_.end() || it->is_null()) return nullptr;
  return &*it;
}

std::optional<std::string> BodyReader::String(const std::string& name, bool required) {
  const nlohmann::json* value = Raw(name);
  if (value == nullptr) {
    if (required) Fail(ErrorCode::kBadRequest, name + ": required");
    return std::nullopt;
  }
  if (!value->is_string()) {
    Fail(ErrorCode::kBadRequest, name + ": expected a string");
    return std::nullopt;
  }
  return value->get<std::string>();
}

std::optional<std::int64_t> BodyReader::Integer(const std::string& name, std::int64_t min,
                                                std::int64_t max) {
  const nlohmann::json* value = Raw(name);
  if (value == nullptr) return std::nullopt;
  if (!value->is_number_integer() || value->get<std::int64_t>() < min ||
      value->get<std::int64_t>() > max) {
    Fail(ErrorCode::kBadRequest, name + ": expected a whole number from " + std::to_string(min) +
                                     " to " + std::to_string(max));
    return std::nullopt;
  }
  return value->get<std::int64_t>();
}

std::optional<std::int64_t> BodyReader::Time(const std::string& name, bool required) {
  std::optional<std::string> text = String(name, required);
  if (!text) return std::nullopt;
  auto parsed = ParseRfc3339(*text);
  if (!parsed) {
    Fail(ErrorCode::kInvalidTime, name + ": " + parsed.error().message);
    return std::nullopt;
  }
  return *parsed;
}

std::map<std::string, std::string> BodyReader::StringMap(const std::string& name) {
  std::map<std::string, std::string> out;
  const nlohmann::json* value = Raw(name);
  if (value == nullptr) return out;
  if (!value->is_object()) {
    Fail(ErrorCode::kBadRequest, name + ": expected an object of strings");
    return out;
  }
  for (const auto& [key, item] : value->items()) {
    if (!item.is_string()) {
      Fail(ErrorCode::kBadRequest, name + "." + key + ": expected a string");
      continue;
    }
    out[key] = item.get<std::string>();
  }
  return out;
}

}  // namespace vigil::collector
