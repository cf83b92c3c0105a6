#include "common/csv.h"

#include <array>
#include <regex>

namespace vigil {
namespace {

bool IsPlainNumber(std::string_view text) {
  static const std::regex kNumber(R"([+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)");
  return std::regex_match(text.begin(), text.end(), kNumber);
}

bool StartsLikeAFormula(std::string_view text) {
  const std::size_t first = text.find_first_not_of(' ');
  if (first == std::string_view::npos) return false;
  text.remove_prefix(first);
  static constexpr std::string_view kAscii = "=+-@\t\r";
  if (kAscii.find(text.front()) != std::string_view::npos) return true;
  // U+FF1D, U+FF0B, U+FF0D, U+FF20 in UTF-8.
  static constexpr std::array<std::string_view, 4> kFullWidth = {"\xEF\xBC\x9D", "\xEF\xBC\x8B",
                                                                 "\xEF\xBC\x8D", "\xEF\xBC\xA0"};
  for (std::string_view sign : kFullWidth) {
    if (text.substr(0, sign.size()) == sign) return true;
  }
  return false;
}

}  // namespace

std::string CsvCell(std::string_view text) {
  // A lone "-" (how vigilctl shows a missing value) is text in every spreadsheet.
  const bool formula = StartsLikeAFormula(text) && !IsPlainNumber(text) && text != "-";
  if (!formula && text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  if (formula) out += '\'';
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace vigil
