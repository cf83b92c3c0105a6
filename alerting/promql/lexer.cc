#include "alerting/promql/lexer.h"

#include <cctype>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstdlib>

namespace vigil::alerting::promql {
namespace {

bool IsNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsNameChar(char c) { return IsNameStart(c) || IsDigit(c) || c == ':'; }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

void AppendUtf8(std::string& out, std::uint32_t code, bool raw_byte) {
  if (raw_byte || code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

// One escape after a backslash at `pos`; false with `error` set when it is not one of Go's.
bool ScanEscape(std::string_view text, std::size_t& pos, std::string& out, LexError& error) {
  const std::size_t escape_at = pos - 1;
  const char c = text[pos++];
  switch (c) {
    case 'a': out += '\a'; return true;
    case 'b': out += '\b'; return true;
    case 'f': out += '\f'; return true;
    case 'n': out += '\n'; return true;
    case 'r': out += '\r'; return true;
    case 't': out += '\t'; return true;
    case 'v': out += '\v'; return true;
    case '\\': out += '\\'; return true;
    case '"': out += '"'; return true;
    case '\'': out += '\''; return true;
    case 'x':
    case 'u':
    case 'U': {
      const std::size_t digits = c == 'x' ? 2 : c == 'u' ? 4 : 8;
      std::uint32_t code = 0;
      const char* first = text.data() + pos;
      if (pos + digits > text.size() ||
          std::from_chars(first, first + digits, code, 16).ptr != first + digits ||
          code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
        error = {escape_at, "invalid \\" + std::string(1, c) + " escape in a string"};
        return false;
      }
      pos += digits;
      AppendUtf8(out, code, c == 'x');
      return true;
    }
    default: error = {escape_at, "unknown escape \\" + std::string(1, c) + " in a string"};
  }
  return false;
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  Lexed Run() {
    Lexed out;
    for (;;) {
      SkipSpaceAndComments();
      Token token;
      token.offset = pos_;
      if (pos_ >= text_.size()) {
        out.tokens.push_back(std::move(token));
        return out;
      }
      if (!Next(token)) {
        out.error = error_;
        return out;
      }
      const bool offset = token.kind == TokenKind::kName && Lowercase(token.text) == "offset";
      // `offset -5m` looks ahead: the duration follows the sign.
      const bool offset_sign =
          after_offset_ && token.kind == TokenKind::kOperator && token.text == "-";
      after_duration_context_ = token.kind == TokenKind::kLeftBracket ||
                                (token.kind == TokenKind::kColon && bracket_depth_ > 0) || offset ||
                                offset_sign;
      after_offset_ = offset;
      out.tokens.push_back(std::move(token));
    }
  }

 private:
  void SkipSpaceAndComments() {
    while (pos_ < text_.size()) {
      if (IsSpace(text_[pos_])) {
        ++pos_;
      } else if (text_[pos_] == '#') {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      } else {
        return;
      }
    }
  }

  bool Fail(std::size_t at, std::string message) {
    error_ = {at, std::move(message)};
    return false;
  }

  bool Next(Token& token) {
    const char c = text_[pos_];
    if (after_duration_context_ && IsDigit(c)) return Duration(token);
    // Inside brackets a colon separates a subquery's range from its step.
    if (IsNameStart(c) || (c == ':' && bracket_depth_ == 0)) return Name(token);
    if (IsDigit(c) || (c == '.' && pos_ + 1 < text_.size() && IsDigit(text_[pos_ + 1]))) {
      return Number(token);
    }
    if (c == '"' || c == '\'' || c == '`') {
      token.kind = TokenKind::kString;
      auto value = ScanQuoted(text_, pos_, error_);
      if (!value) return false;
      token.text = std::move(*value);
      return true;
    }
    return Punctuation(token);
  }

  // Inside brackets and after offset, digits and the letters after them are one duration token
  // (5m, 1h30m), valid or not: the parser names what is wrong with it.
  bool Duration(Token& token) {
    const std::size_t start = pos_;
    while (pos_ < text_.size() &&
           (IsDigit(text_[pos_]) || std::isalpha(static_cast<unsigned char>(text_[pos_])))) {
      ++pos_;
    }
    token.kind = TokenKind::kDuration;
    token.text = std::string(text_.substr(start, pos_ - start));
    return true;
  }

  bool Name(Token& token) {
    const std::size_t start = pos_;
    while (pos_ < text_.size() && IsNameChar(text_[pos_])) ++pos_;
    token.kind = TokenKind::kName;
    token.text = std::string(text_.substr(start, pos_ - start));
    const std::string lower = Lowercase(token.text);
    if (lower == "inf" || lower == "nan") {
      token.kind = TokenKind::kNumber;
      token.number = lower == "inf" ? INFINITY : NAN;
    }
    return true;
  }

  bool Number(Token& token) {
    const std::size_t start = pos_;
    token.kind = TokenKind::kNumber;
    if (text_.substr(pos_, 2) == "0x" || text_.substr(pos_, 2) == "0X") {
      pos_ += 2;
      const std::size_t digits = pos_;
      while (pos_ < text_.size() && std::isxdigit(static_cast<unsigned char>(text_[pos_]))) ++pos_;
      std::uint64_t value = 0;
      auto [ptr, ec] = std::from_chars(text_.data() + digits, text_.data() + pos_, value, 16);
      if (digits == pos_ || ec != std::errc()) return Fail(start, "invalid hexadecimal number");
      token.number = static_cast<double>(value);
    } else {
      while (pos_ < text_.size() && (IsDigit(text_[pos_]) || text_[pos_] == '.')) ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
        ++pos_;
        if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
        while (pos_ < text_.size() && IsDigit(text_[pos_])) ++pos_;
      }
      const char* first = text_.data() + start;
      const char* last = text_.data() + pos_;
      auto [ptr, ec] = std::from_chars(first, last, token.number, std::chars_format::general);
      if (ec == std::errc::result_out_of_range) {
        token.number = std::strtod(std::string(first, last).c_str(), nullptr);  // ±Inf or 0
      } else if (ec != std::errc() || ptr != last) {
        return Fail(start, "invalid number \"" + std::string(first, last) + "\"");
      }
    }
    if (pos_ < text_.size() && (IsNameStart(text_[pos_]))) {
      return Fail(start,
                  "invalid number: a letter follows its digits (a duration such as 5m "
                  "belongs in brackets or after offset)");
    }
    return true;
  }

  bool Punctuation(Token& token) {
    struct Symbol {
      std::string_view text;
      TokenKind kind;
    };
    static constexpr Symbol kSymbols[] = {
        {"==", TokenKind::kOperator},    {"!=", TokenKind::kOperator},
        {"<=", TokenKind::kOperator},    {">=", TokenKind::kOperator},
        {"=~", TokenKind::kOperator},    {"!~", TokenKind::kOperator},
        {"+", TokenKind::kOperator},     {"-", TokenKind::kOperator},
        {"*", TokenKind::kOperator},     {"/", TokenKind::kOperator},
        {"%", TokenKind::kOperator},     {"^", TokenKind::kOperator},
        {"<", TokenKind::kOperator},     {">", TokenKind::kOperator},
        {"=", TokenKind::kOperator},     {"(", TokenKind::kLeftParen},
        {")", TokenKind::kRightParen},   {"{", TokenKind::kLeftBrace},
        {"}", TokenKind::kRightBrace},   {"[", TokenKind::kLeftBracket},
        {"]", TokenKind::kRightBracket}, {",", TokenKind::kComma},
        {":", TokenKind::kColon},        {"@", TokenKind::kAt}};
    for (const Symbol& symbol : kSymbols) {
      if (text_.substr(pos_, symbol.text.size()) != symbol.text) continue;
      token.kind = symbol.kind;
      token.text = std::string(symbol.text);
      pos_ += symbol.text.size();
      if (symbol.kind == TokenKind::kLeftBracket) ++bracket_depth_;
      if (symbol.kind == TokenKind::kRightBracket && bracket_depth_ > 0) --bracket_depth_;
      return true;
    }
    return Fail(pos_, "unexpected character \"" + std::string(1, text_[pos_]) + "\"");
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  int bracket_depth_ = 0;
  bool after_duration_context_ = false;
  bool after_offset_ = false;
  LexError error_;
};

}  // namespace

std::optional<std::string> ScanQuoted(std::string_view text, std::size_t& pos, LexError& error) {
  const std::size_t start = pos;
  if (pos >= text.size() || (text[pos] != '"' && text[pos] != '\'' && text[pos] != '`')) {
    error = {pos, "expected a quoted string"};
    return std::nullopt;
  }
  const char quote = text[pos++];
  std::string out;
  while (pos < text.size() && text[pos] != quote) {
    const char c = text[pos++];
    if (quote == '`' || c != '\\') {
      if (quote != '`' && c == '\n') break;  // a newline ends a quoted string: unterminated
      out += c;
      continue;
    }
    if (pos >= text.size()) break;
    if (!ScanEscape(text, pos, out, error)) return std::nullopt;
  }
  if (pos >= text.size() || text[pos] != quote) {
    error = {start, "unterminated string"};
    return std::nullopt;
  }
  ++pos;
  return out;
}

std::optional<Duration> ParseDurationText(std::string_view text) {
  struct Unit {
    std::string_view name;
    std::int64_t ms;
  };
  static constexpr Unit kUnits[] = {{"y", 365LL * 86400000},
                                    {"w", 7LL * 86400000},
                                    {"d", 86400000},
                                    {"h", 3600000},
                                    {"ms", 1},
                                    {"m", 60000},
                                    {"s", 1000}};
  std::int64_t total = 0;
  std::int64_t last_unit = INT64_MAX;
  std::size_t pos = 0;
  if (text.empty()) return std::nullopt;
  while (pos < text.size()) {
    std::int64_t number = 0;
    const std::size_t digits = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (number > 1'000'000'000'000) return std::nullopt;
      number = number * 10 + (text[pos++] - '0');
    }
    if (pos == digits) return std::nullopt;
    const Unit* unit = nullptr;
    for (const Unit& candidate : kUnits) {
      if (text.substr(pos, candidate.name.size()) == candidate.name &&
          (candidate.name != "m" || text.substr(pos, 2) != "ms")) {
        unit = &candidate;
        break;
      }
    }
    if (unit == nullptr || unit->ms >= last_unit) return std::nullopt;
    pos += unit->name.size();
    last_unit = unit->ms;
    if (number > (INT64_MAX - total) / unit->ms) return std::nullopt;
    total += number * unit->ms;
  }
  return Duration(total);
}

Lexed Lex(std::string_view text) { return Lexer(text).Run(); }

std::string Lowercase(std::string_view name) {
  std::string out(name);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsKeyword(std::string_view name) {
  static constexpr std::string_view kKeywords[] = {
      "and",          "atan2", "avg",        "bool",        "bottomk",  "by",       "count",
      "count_values", "group", "group_left", "group_right", "ignoring", "inf",      "max",
      "min",          "nan",   "offset",     "on",          "or",       "quantile", "stddev",
      "stdvar",       "sum",   "topk",       "unless",      "without"};
  const std::string lower = Lowercase(name);
  for (std::string_view keyword : kKeywords) {
    if (keyword == lower) return true;
  }
  return false;
}

}  // namespace vigil::alerting::promql
