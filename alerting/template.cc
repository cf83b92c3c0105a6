#include "alerting/template.h"

#include <cmath>
#include <cstdio>

#include "common/exposition.h"

namespace vigil::alerting {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

Result<Template> Template::Parse(std::string_view text) {
  Template out;
  out.source_ = std::string(text);
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) {
      out.parts_.push_back({Part::Kind::kText, std::string(text.substr(pos))});
      break;
    }
    if (open > pos)
      out.parts_.push_back({Part::Kind::kText, std::string(text.substr(pos, open - pos))});
    const std::size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "\"{{\" at offset " + std::to_string(open) + " is not closed by \"}}\"");
    }
    const std::string_view action = Trim(text.substr(open + 2, close - open - 2));
    if (action == "$value") {
      out.parts_.push_back({Part::Kind::kValue, {}});
    } else if (action == "humanize $value") {
      out.parts_.push_back({Part::Kind::kHumanizedValue, {}});
    } else if (action.substr(0, 8) == "$labels." && IsValidLabelName(action.substr(8))) {
      out.parts_.push_back({Part::Kind::kLabel, std::string(action.substr(8))});
    } else {
      return MakeError(ErrorCode::kInvalidArgument,
                       "unsupported placeholder {{ " + std::string(action) + " }} at offset " +
                           std::to_string(open) +
                           "; use {{ $labels.NAME }}, {{ $value }} or {{ humanize $value }}");
    }
    pos = close + 2;
  }
  return out;
}

std::string Template::Render(const Labels& labels, double value) const {
  std::string out;
  for (const Part& part : parts_) {
    switch (part.kind) {
      case Part::Kind::kText: out += part.text; break;
      case Part::Kind::kLabel: out += LabelValue(labels, part.text); break;
      case Part::Kind::kValue: out += FormatValue(value); break;
      case Part::Kind::kHumanizedValue: out += HumanizeValue(value); break;
    }
  }
  return out;
}

std::string FormatValue(double value) {
  std::string out;
  AppendSampleValue(out, value);
  return out;
}

std::string HumanizeValue(double value) {
  if (value == 0 || std::isnan(value) || std::isinf(value)) return FormatValue(value);
  static constexpr const char* kBig[] = {"", "k", "M", "G", "T", "P", "E", "Z", "Y"};
  static constexpr const char* kSmall[] = {"", "m", "u", "n", "p", "f", "a", "z", "y"};
  double scaled = value;
  const char* prefix = "";
  if (std::fabs(value) >= 1) {
    int i = 0;
    while (std::fabs(scaled) >= 1000 && i < 8) {
      scaled /= 1000;
      ++i;
    }
    prefix = kBig[i];
  } else {
    int i = 0;
    while (std::fabs(scaled) < 1 && i < 8) {
      scaled *= 1000;
      ++i;
    }
    prefix = kSmall[i];
  }
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.4g%s", scaled, prefix);
  return buffer;
}

}  // namespace vigil::alerting
