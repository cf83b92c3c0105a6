#pragma once
// Annotation templates: text with placeholders as Prometheus writes them — {{ $labels.NAME }},
// {{ $value }}, a value function of $value (humanize, humanize1024, humanizePercentage,
// humanizeDuration, or printf "%.2f" $value), a text function of a label (toUpper, toLower,
// title), and the same functions in a pipeline ({{ $value | humanizePercentage }},
// {{ $labels.job | toUpper }}). Parsed once when rules load, so a mistake is a configuration error
// instead of a garbled page at 3 a.m.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alerting/labels.h"
#include "common/result.h"

namespace vigil::alerting {

class Template {
 public:
  // Error naming the placeholder that is not one of the supported forms, with its byte offset.
  static Result<Template> Parse(std::string_view text);

  std::string Render(const Labels& labels, double value) const;
  const std::string& source() const { return source_; }

 private:
  struct Part {
    enum class Kind { kText, kLabel, kValue } kind = Kind::kText;
    std::string text;  // the literal text, or the label name
    // In order: at most one value function (or printf) first for a value, then text functions.
    std::vector<std::string> functions;
    std::string format;  // printf's, when functions start with "printf"
  };
  // One {{ }}'s content; nullopt when it is not a supported form.
  static std::optional<Part> ParseAction(std::string_view action);

  std::string source_;
  std::vector<Part> parts_;
};

// How {{ $value }} prints a number: the shortest text that reads back exactly.
std::string FormatValue(double value);
// Prometheus's humanize: SI prefixes and four significant digits ("1.5k", "2.34M", "12m").
std::string HumanizeValue(double value);
// Prometheus's humanize1024 ("1.5Ki", "2Gi"), humanizePercentage (0.123 → "12.3%") and
// humanizeDuration (seconds: "1d 2h 3m 4s", "1.5s", "250ms").
std::string Humanize1024(double value);
std::string HumanizePercentage(double value);
std::string HumanizeDuration(double value);

}  // namespace vigil::alerting
