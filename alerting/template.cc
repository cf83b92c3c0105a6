#include "alerting/template.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <optional>

#include "common/exposition.h"

namespace vigil::alerting {
namespace {

constexpr std::string_view kValueFunctions[] = {"humanize", "humanize1024", "humanizePercentage",
                                                "humanizeDuration"};
constexpr std::string_view kTextFunctions[] = {"toUpper", "toLower", "title"};
constexpr std::string_view kSupported =
    "use {{ $labels.NAME }}, {{ $value }}, {{ humanize $value }} (or humanize1024, "
    "humanizePercentage, humanizeDuration), {{ printf \"%.2f\" $value }}, "
    "{{ toUpper $labels.NAME }} (or toLower, title), or a pipeline of these";

bool IsOneOf(std::string_view word, const auto& words) {
  return std::find(std::begin(words), std::end(words), word) != std::end(words);
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// The words of a pipeline stage; a double-quoted string (printf's format) is one word.
std::optional<std::vector<std::string>> Words(std::string_view stage) {
  std::vector<std::string> words;
  std::size_t pos = 0;
  while (pos < stage.size()) {
    if (stage[pos] == ' ' || stage[pos] == '\t') {
      ++pos;
    } else if (stage[pos] == '"') {
      const std::size_t end = stage.find('"', pos + 1);
      if (end == std::string_view::npos) return std::nullopt;
      words.emplace_back(stage.substr(pos, end - pos + 1));
      pos = end + 1;
    } else {
      const std::size_t end = std::min(stage.find_first_of(" \t", pos), stage.size());
      words.emplace_back(stage.substr(pos, end - pos));
      pos = end;
    }
  }
  return words;
}

// One conversion of a number, printf's way: flags, width and precision, then f, e, g or d.
bool IsNumberFormat(std::string_view format) {
  int verbs = 0;
  for (std::size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') continue;
    if (i + 1 < format.size() && format[i + 1] == '%') {
      ++i;
      continue;
    }
    std::size_t j = i + 1;
    while (j < format.size() &&
           std::string_view("+- 0#.123456789").find(format[j]) != std::string_view::npos) {
      ++j;
    }
    if (j >= format.size() || std::string_view("fegd").find(format[j]) == std::string_view::npos) {
      return false;
    }
    if (j - i > 6) return false;  // flags, width and precision of a few digits, not a megabyte
    if (format[j] == 'd' && format.substr(i, j - i).find('.') != std::string_view::npos) {
      return false;  // %d becomes %.0f, which has its own precision
    }
    ++verbs;
    i = j;
  }
  return verbs == 1;
}

std::string Printf(const std::string& format, double value) {
  std::string c_format = format;
  const std::size_t verb = c_format.find_first_of("fegd", c_format.rfind('%'));
  // Go's %d of a float prints it as %!d; Prometheus users mean an integer.
  if (verb != std::string::npos && c_format[verb] == 'd') c_format.replace(verb, 1, ".0f");
  char buffer[256];
  std::snprintf(buffer, sizeof buffer, c_format.c_str(), value);
  return buffer;
}

std::string Apply(const std::string& function, const std::string& text) {
  std::string out = text;
  if (function == "toUpper" || function == "toLower") {
    for (char& c : out) {
      c = static_cast<char>(function == "toUpper" ? std::toupper(static_cast<unsigned char>(c))
                                                  : std::tolower(static_cast<unsigned char>(c)));
    }
  } else if (function == "title") {
    bool start = true;
    for (char& c : out) {
      if (start) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      start = c == ' ' || c == '\t' || c == '-' || c == '_';
    }
  }
  return out;
}

std::string Format4g(double value, const char* suffix) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.4g%s", value, suffix);
  return buffer;
}

}  // namespace

Result<Template> Template::Parse(std::string_view text) {
  Template out;
  out.source_ = std::string(text);
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) {
      out.parts_.push_back({Part::Kind::kText, std::string(text.substr(pos)), {}, {}});
      break;
    }
    if (open > pos) {
      out.parts_.push_back({Part::Kind::kText, std::string(text.substr(pos, open - pos)), {}, {}});
    }
    const std::size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "\"{{\" at offset " + std::to_string(open) + " is not closed by \"}}\"");
    }
    const std::string_view action = Trim(text.substr(open + 2, close - open - 2));
    std::optional<Part> part = ParseAction(action);
    if (!part) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "unsupported placeholder {{ " + std::string(action) + " }} at offset " +
                           std::to_string(open) + "; " + std::string(kSupported));
    }
    out.parts_.push_back(std::move(*part));
    pos = close + 2;
  }
  return out;
}

std::optional<Template::Part> Template::ParseAction(std::string_view action) {
  Part part;
  bool text_yet = false;  // the value became text: only text functions may follow
  std::size_t start = 0;
  for (bool first = true; start <= action.size(); first = false) {
    std::size_t bar = action.find('|', start);
    if (bar == std::string_view::npos) bar = action.size();
    const auto words = Words(action.substr(start, bar - start));
    start = bar + 1;
    if (!words || words->empty()) return std::nullopt;
    const std::string& argument = words->back();
    if (first) {
      if (argument == "$value") {
        part.kind = Part::Kind::kValue;
      } else if (argument.rfind("$labels.", 0) == 0 && IsValidLabelName(argument.substr(8))) {
        part.kind = Part::Kind::kLabel;
        part.text = argument.substr(8);
        text_yet = true;
      } else {
        return std::nullopt;
      }
    }
    // The functions of the stage, the argument (first stage only) left out.
    std::vector<std::string> functions(words->begin(), words->end() - (first ? 1 : 0));
    if (functions.size() == 2 && functions[0] == "printf" && !text_yet &&
        functions[1].size() >= 2 && functions[1].front() == '"' &&
        IsNumberFormat(functions[1].substr(1, functions[1].size() - 2))) {
      part.functions.push_back("printf");
      part.format = functions[1].substr(1, functions[1].size() - 2);
      text_yet = true;
      continue;
    }
    if (functions.size() > 1 || (!first && functions.empty())) return std::nullopt;
    for (const std::string& function : functions) {
      if (!text_yet && IsOneOf(function, kValueFunctions)) {
        text_yet = true;
      } else if (!(text_yet || part.kind == Part::Kind::kValue) ||
                 !IsOneOf(function, kTextFunctions)) {
        return std::nullopt;
      }
      part.functions.push_back(function);
    }
  }
  return part;
}

std::string Template::Render(const Labels& labels, double value) const {
  std::string out;
  for (const Part& part : parts_) {
    if (part.kind == Part::Kind::kText) {
      out += part.text;
      continue;
    }
    std::string text;
    std::size_t next = 0;
    if (part.kind == Part::Kind::kLabel) {
      text = LabelValue(labels, part.text);
    } else if (part.functions.empty() || IsOneOf(part.functions[0], kTextFunctions)) {
      text = FormatValue(value);
    } else {
      const std::string& function = part.functions[next++];
      text = function == "printf"               ? Printf(part.format, value)
             : function == "humanize1024"       ? Humanize1024(value)
             : function == "humanizePercentage" ? HumanizePercentage(value)
             : function == "humanizeDuration"   ? HumanizeDuration(value)
                                                : HumanizeValue(value);
    }
    for (; next < part.functions.size(); ++next) text = Apply(part.functions[next], text);
    out += text;
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
  return Format4g(scaled, prefix);
}

std::string Humanize1024(double value) {
  if (std::fabs(value) <= 1 || std::isnan(value) || std::isinf(value)) return Format4g(value, "");
  static constexpr const char* kPrefixes[] = {"", "ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"};
  int i = 0;
  while (std::fabs(value) >= 1024 && i < 8) {
    value /= 1024;
    ++i;
  }
  return Format4g(value, kPrefixes[i]);
}

std::string HumanizePercentage(double value) { return Format4g(value * 100, "%"); }

std::string HumanizeDuration(double value) {
  if (std::isnan(value) || std::isinf(value)) return Format4g(value, "");
  if (value == 0) return Format4g(value, "s");
  if (std::fabs(value) >= 1) {
    const char* sign = value < 0 ? "-" : "";
    const double magnitude = std::fabs(value);
    const auto whole = static_cast<long long>(magnitude);
    const long long seconds = whole % 60, minutes = whole / 60 % 60, hours = whole / 3600 % 24,
                    days = whole / 86400;
    char buffer[96];
    if (days != 0) {
      std::snprintf(buffer, sizeof buffer, "%s%lldd %lldh %lldm %llds", sign, days, hours, minutes,
                    seconds);
    } else if (hours != 0) {
      std::snprintf(buffer, sizeof buffer, "%s%lldh %lldm %llds", sign, hours, minutes, seconds);
    } else if (minutes != 0) {
      std::snprintf(buffer, sizeof buffer, "%s%lldm %llds", sign, minutes, seconds);
    } else {
      std::snprintf(buffer, sizeof buffer, "%s%.4gs", sign, magnitude);
    }
    return buffer;
  }
  const char* prefix = "";
  for (const char* p : {"m", "u", "n", "p", "f", "a", "z", "y"}) {
    if (std::fabs(value) >= 1) break;
    prefix = p;
    value *= 1000;
  }
  return Format4g(value, (std::string(prefix) + "s").c_str());
}

}  // namespace vigil::alerting
