#include "agent/collectors/text.h"

#include <cctype>
#include <charconv>
#include <cstdlib>

namespace vigil::agent {

namespace {

std::vector<std::string_view> SplitOn(std::string_view text, const char* separators) {
  std::vector<std::string_view> fields;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t start = text.find_first_not_of(separators, pos);
    if (start == std::string_view::npos) break;
    std::size_t end = text.find_first_of(separators, start);
    if (end == std::string_view::npos) end = text.size();
    fields.push_back(text.substr(start, end - start));
    pos = end;
  }
  return fields;
}

}  // namespace

std::vector<std::string_view> SplitFields(std::string_view line) { return SplitOn(line, " \t"); }

std::vector<std::string_view> SplitWords(std::string_view text) {
  return SplitOn(text, " \t\n\r\v\f");
}

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return lines;
}

std::optional<std::uint64_t> ParseUint(std::string_view text) {
  std::uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::optional<std::int64_t> ParseInt(std::string_view text) {
  std::int64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::optional<double> ParseDouble(std::string_view text) {
  // std::from_chars for double is in libstdc++ 11+, and unlike strtod ignores the locale.
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::optional<std::uint64_t> ParseUintAnyBase(std::string_view text) {
  int base = 10;
  bool prefixed = false;
  if (text.size() > 1 && text[0] == '0') {
    const char mark = static_cast<char>(std::tolower(static_cast<unsigned char>(text[1])));
    base = mark == 'x' ? 16 : mark == 'b' ? 2 : 8;
    const bool letter = mark == 'x' || mark == 'b' || mark == 'o';
    text.remove_prefix(letter ? 2 : 1);
    prefixed = true;
    if (text.empty()) return letter ? std::nullopt : std::optional<std::uint64_t>(0);
  }
  // Underscores only between digits, and only with a base prefix (Go's underscoreOK).
  std::string digits;
  char previous = prefixed ? '0' : '_';  // "0x_1f" is valid, "_1" not
  for (const char c : text) {
    if (c == '_') {
      if (!prefixed || previous == '_') return std::nullopt;
    } else {
      digits.push_back(c);
    }
    previous = c;
  }
  if (previous == '_' || digits.empty()) return std::nullopt;
  std::uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
  if (ec != std::errc() || ptr != digits.data() + digits.size()) return std::nullopt;
  return value;
}

std::optional<std::int64_t> ParseIntAnyBase(std::string_view text) {
  bool negative = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  const std::optional<std::uint64_t> magnitude = ParseUintAnyBase(text);
  constexpr std::uint64_t kLimit = std::uint64_t{1} << 63;
  if (!magnitude || *magnitude > (negative ? kLimit : kLimit - 1)) return std::nullopt;
  return negative ? static_cast<std::int64_t>(0 - *magnitude)
                  : static_cast<std::int64_t>(*magnitude);
}

std::string_view Trim(std::string_view text) {
  const std::size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  const std::size_t end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

}  // namespace vigil::agent
