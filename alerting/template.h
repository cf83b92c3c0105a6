#pragma once
// Annotation templates: text with {{ $labels.NAME }}, {{ $value }} and {{ humanize $value }}
// placeholders, as Prometheus writes them. Parsed once when rules load, so a mistake is a
// configuration error instead of a garbled page at 3 a.m.

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
    enum class Kind { kText, kLabel, kValue, kHumanizedValue } kind = Kind::kText;
    std::string text;  // the literal text, or the label name
  };
  std::string source_;
  std::vector<Part> parts_;
};

// How {{ $value }} prints a number: the shortest text that reads back exactly.
std::string FormatValue(double value);
// Prometheus's humanize: SI prefixes and four significant digits ("1.5k", "2.34M", "12m").
std::string HumanizeValue(double value);

}  // namespace vigil::alerting
