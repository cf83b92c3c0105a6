#pragma once
// The rule expression language: a PromQL-compatible subset (docs/rules.md).
//
//   expr     = inner comparison number
//   inner    = selector | function "(" selector "[" duration "]" ")"
//   selector = metric_name [ "{" [ matcher { "," matcher } [ "," ] ] "}" ]
//   matcher  = label_name ( "=" | "!=" | "=~" | "!~" ) string
//   function = rate | increase | avg_over_time | min_over_time | max_over_time
//   comparison = ">" | "<" | ">=" | "<=" | "==" | "!="
//
// Parsing is pure; errors carry the byte offset where the text stopped making sense and say what
// was expected there.

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "alerting/label_matcher.h"
#include "common/units.h"

namespace vigil::alerting {

enum class RangeFunction { kNone, kRate, kIncrease, kAvgOverTime, kMinOverTime, kMaxOverTime };
enum class Comparison { kGreater, kLess, kGreaterEqual, kLessEqual, kEqual, kNotEqual };

std::string_view RangeFunctionName(RangeFunction function);
std::string_view ComparisonText(Comparison comparison);
// Whether `value comparison threshold` holds; false for NaN, as in PromQL.
bool Compare(double value, Comparison comparison, double threshold);

struct Expr {
  std::string metric;                  // the selector's metric name
  std::vector<LabelMatcher> matchers;  // besides the name
  RangeFunction function = RangeFunction::kNone;
  Duration range{0};  // set when function != kNone
  Comparison comparison = Comparison::kGreater;
  double threshold = 0;

  // Canonical text, e.g. `rate(node_cpu_seconds_total{mode="idle"}[5m]) < 0.1`.
  std::string ToString() const;
};

struct ExprError {
  std::size_t offset = 0;  // byte offset into the expression text
  std::string message;     // what was found and what was expected
};

// Longest expression accepted, and most matchers in one selector.
inline constexpr std::size_t kMaxExprBytes = 16 << 10;
inline constexpr std::size_t kMaxMatchers = 64;

std::variant<Expr, ExprError> ParseExpr(std::string_view text);

}  // namespace vigil::alerting
