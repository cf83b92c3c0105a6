#include "alerting/label_matcher.h"

#include <re2/re2.h>

#include <variant>

#include "alerting/expr.h"

namespace vigil::alerting {

std::string_view MatchOpText(MatchOp op) {
  switch (op) {
    case MatchOp::kEqual: return "=";
    case MatchOp::kNotEqual: return "!=";
    case MatchOp::kRegexMatch: return "=~";
    case MatchOp::kRegexNoMatch: return "!~";
  }
  return "?";
}

Result<MatchOp> ParseMatchOp(std::string_view text) {
  if (text == "=") return MatchOp::kEqual;
  if (text == "!=") return MatchOp::kNotEqual;
  if (text == "=~") return MatchOp::kRegexMatch;
  if (text == "!~") return MatchOp::kRegexNoMatch;
  return MakeError(ErrorCode::kBadRequest, "unknown matcher operator \"" + std::string(text) +
                                               "\"; expected =, !=, =~ or !~");
}

Result<LabelMatcher> LabelMatcher::Make(std::string name, MatchOp op, std::string value) {
  std::shared_ptr<const re2::RE2> regex;
  if (op == MatchOp::kRegexMatch || op == MatchOp::kRegexNoMatch) {
    if (value.size() > kMaxMatcherRegexBytes) {
      return MakeError(
          ErrorCode::kInvalidArgument,
          "regular expression is longer than " + std::to_string(kMaxMatcherRegexBytes) + " bytes");
    }
    re2::RE2::Options options;
    options.set_log_errors(false);
    options.set_max_mem(1 << 20);
    // Checked alone first: wrapped, an unbalanced ")(" would compile.
    const re2::RE2 alone(value, options);
    if (!alone.ok()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "invalid regular expression " + QuoteString(value) + ": " + alone.error());
    }
    // Matched whole (FullMatch), as Prometheus anchors it; (?s) lets "." match a newline, too.
    regex = std::make_shared<const re2::RE2>("(?s:" + value + ")", options);
  }
  return LabelMatcher(std::move(name), op, std::move(value), std::move(regex));
}

bool LabelMatcher::Matches(std::string_view label_value) const {
  switch (op_) {
    case MatchOp::kEqual: return label_value == value_;
    case MatchOp::kNotEqual: return label_value != value_;
    case MatchOp::kRegexMatch:
      return re2::RE2::FullMatch(re2::StringPiece(label_value.data(), label_value.size()), *regex_);
    case MatchOp::kRegexNoMatch:
      return !re2::RE2::FullMatch(re2::StringPiece(label_value.data(), label_value.size()),
                                  *regex_);
  }
  return false;
}

std::string LabelMatcher::ToString() const {
  return name_ + std::string(MatchOpText(op_)) + QuoteString(value_);
}

std::string QuoteString(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default: out += c;
    }
  }
  return out + "\"";
}

}  // namespace vigil::alerting

namespace vigil::alerting {

Result<LabelMatcher> ParseMatcherText(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  std::size_t name_end = 0;
  while (name_end < text.size() &&
         (std::isalnum(static_cast<unsigned char>(text[name_end])) || text[name_end] == '_')) {
    ++name_end;
  }
  std::string_view rest = text.substr(name_end);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  std::string_view op;
  for (std::string_view candidate : {"=~", "!~", "!=", "="}) {
    if (rest.substr(0, candidate.size()) == candidate) {
      op = candidate;
      break;
    }
  }
  if (name_end == 0 || op.empty()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "expected NAME=\"VALUE\" (or !=, =~, !~), got \"" + std::string(text) + "\"");
  }
  std::string_view value = rest.substr(op.size());
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (!value.empty() && value.front() == '"') {
    // Quoted: read it as a PromQL matcher, which decodes the escapes the same way.
    auto parsed = ParseExpr("x{" + std::string(text) + "} > 0");
    if (auto* error = std::get_if<ExprError>(&parsed)) {
      return MakeError(ErrorCode::kInvalidArgument, error->message);
    }
    return std::get<Expr>(std::move(parsed)).matchers.front();
  }
  auto matcher = LabelMatcher::Make(std::string(text.substr(0, name_end)), *ParseMatchOp(op),
                                    std::string(value));
  if (!matcher) return MakeError(ErrorCode::kInvalidArgument, matcher.error().message);
  return matcher;
}

}  // namespace vigil::alerting
