#include "alerting/expr.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>

#include "alerting/promql/lexer.h"
#include "common/exposition.h"

namespace vigil::alerting {
namespace {

bool IsNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

struct FunctionName {
  std::string_view name;
  RangeFunction function;
};
constexpr FunctionName kFunctions[] = {{"rate", RangeFunction::kRate},
                                       {"increase", RangeFunction::kIncrease},
                                       {"avg_over_time", RangeFunction::kAvgOverTime},
                                       {"min_over_time", RangeFunction::kMinOverTime},
                                       {"max_over_time", RangeFunction::kMaxOverTime}};

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  std::variant<Expr, ExprError> Parse() {
    if (text_.size() > kMaxExprBytes) {
      return ExprError{0,
                       "the expression is longer than " + std::to_string(kMaxExprBytes) + " bytes"};
    }
    Expr expr;
    if (!ParseInner(expr) || !ParseComparison(expr) || !ParseNumber(expr.threshold)) {
      return *error_;
    }
    SkipSpace();
    if (pos_ < text_.size()) {
      Fail("unexpected " + Found() +
           " after the expression; a rule compares one selector with one number");
      return *error_;
    }
    return expr;
  }

 private:
  // Records the first problem only; the parse then unwinds.
  bool Fail(std::string message) { return Fail(pos_, std::move(message)); }
  bool Fail(std::size_t at, std::string message) {
    if (!error_) error_ = ExprError{at, std::move(message)};
    return false;
  }

  // What is at the current position, for messages.
  std::string Found() const {
    if (pos_ >= text_.size()) return "the end of the expression";
    std::size_t end = pos_;
    while (end < text_.size() && end - pos_ < 12 && text_[end] != ' ' && text_[end] != '\n') {
      ++end;
    }
    return "\"" + std::string(text_.substr(pos_, std::max<std::size_t>(1, end - pos_))) + "\"";
  }

  void SkipSpace() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        ++pos_;
      } else if (c == '#') {  // a comment runs to the end of the line, as in PromQL
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      } else {
        break;
      }
    }
  }

  bool Peek(char c) {
    SkipSpace();
    return pos_ < text_.size() && text_[pos_] == c;
  }

  bool Expect(char c, std::string_view what) {
    if (Peek(c)) {
      ++pos_;
      return true;
    }
    return Fail("expected " + std::string(what) + ", found " + Found());
  }

  // A metric name (colons allowed) or, with colons = false, a label name.
  std::string ReadName(bool colons) {
    const std::size_t start = pos_;
    if (pos_ < text_.size() && (IsNameStart(text_[pos_]) || (colons && text_[pos_] == ':'))) {
      ++pos_;
      while (pos_ < text_.size() && (IsNameChar(text_[pos_]) || (colons && text_[pos_] == ':'))) {
        ++pos_;
      }
    }
    return std::string(text_.substr(start, pos_ - start));
  }

  bool ParseInner(Expr& expr) {
    SkipSpace();
    const std::size_t start = pos_;
    std::string name = ReadName(/*colons=*/true);
    if (!name.empty() && Peek('(')) {
      auto known = std::find_if(std::begin(kFunctions), std::end(kFunctions),
                                [&](const FunctionName& f) { return f.name == name; });
      if (known == std::end(kFunctions)) {
        return Fail(start, "unknown function \"" + name +
                               "\"; expected rate, increase, avg_over_time, min_over_time or "
                               "max_over_time (a rule evaluates each series on its own, so "
                               "aggregations are not supported)");
      }
      expr.function = known->function;
      ++pos_;  // (
      if (!ParseSelector(expr, "")) return false;
      if (!Peek('[')) {
        return Fail(name + " needs a range after the selector, e.g. " + name + "(" + expr.metric +
                    "[5m]); found " + Found());
      }
      if (!ParseRange(expr)) return false;
      return Expect(')', "\")\" to close " + name + "(");
    }
    if (!ParseSelector(expr, name)) return false;
    if (Peek('[')) {
      return Fail(
          "a range like [5m] is only allowed inside rate, increase, avg_over_time, "
          "min_over_time or max_over_time");
    }
    return true;
  }

  // `name` is the metric name already read, or empty.
  bool ParseSelector(Expr& expr, std::string name) {
    SkipSpace();
    const std::size_t start = pos_;
    if (name.empty()) name = ReadName(/*colons=*/true);
    if (name.empty() && !Peek('{')) {
      return Fail("expected a metric name, a selector {...} or a function, found " + Found());
    }
    if (Peek('{')) {
      ++pos_;
      if (!ParseMatchers(expr, name)) return false;
    }
    if (name.empty()) {
      return Fail(start,
                  "a selector needs a metric name, before the braces or as __name__=\"...\"");
    }
    if (IsDigit(name.front())) return Fail(start, "a metric name cannot start with a digit");
    expr.metric = std::move(name);
    return true;
  }

  bool ParseMatchers(Expr& expr, std::string& name) {
    for (;;) {
      if (Peek('}')) {
        ++pos_;
        return true;
      }
      SkipSpace();
      const std::size_t label_at = pos_;
      std::string label = ReadName(/*colons=*/false);
      if (label.empty()) return Fail("expected a label name or \"}\", found " + Found());
      SkipSpace();
      const std::size_t op_at = pos_;
      std::string_view op_text;
      for (std::string_view candidate : {"=~", "!~", "!=", "="}) {
        if (text_.substr(pos_, candidate.size()) == candidate) {
          op_text = candidate;
          break;
        }
      }
      if (op_text.empty()) {
        return Fail("expected one of =, !=, =~, !~ after label " + label + ", found " + Found());
      }
      pos_ += op_text.size();
      const MatchOp op = *ParseMatchOp(op_text);
      SkipSpace();
      const std::size_t value_at = pos_;
      std::optional<std::string> value = ReadString();
      if (!value) return false;
      if (label == "__name__") {
        if (op != MatchOp::kEqual) {
          return Fail(op_at,
                      "__name__ can only be matched with =, since rules are indexed by "
                      "metric name");
        }
        if (!name.empty()) return Fail(label_at, "the metric name is given twice");
        name = *value;
      } else {
        if (expr.matchers.size() == kMaxMatchers) {
          return Fail(label_at, "more than " + std::to_string(kMaxMatchers) + " matchers");
        }
        Result<LabelMatcher> matcher = LabelMatcher::Make(label, op, std::move(*value));
        if (!matcher) return Fail(value_at, matcher.error().message);
        expr.matchers.push_back(std::move(*matcher));
      }
      if (Peek(',')) {
        ++pos_;
        continue;
      }
      if (!Peek('}')) return Fail("expected \",\" or \"}\" after a matcher, found " + Found());
    }
  }

  // A PromQL string: "..." or '...' with Go's escapes, or `...` taken as is.
  std::optional<std::string> ReadString() {
    if (pos_ >= text_.size() || (text_[pos_] != '"' && text_[pos_] != '\'' && text_[pos_] != '`')) {
      Fail("expected a quoted string, found " + Found());
      return std::nullopt;
    }
    promql::LexError error;
    std::optional<std::string> value = promql::ScanQuoted(text_, pos_, error);
    if (!value) Fail(error.offset, error.message);
    return value;
  }

  bool ParseRange(Expr& expr) {
    ++pos_;  // [
    SkipSpace();
    const std::size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] != ']' && text_[pos_] != ' ') ++pos_;
    const std::string_view duration = text_.substr(start, pos_ - start);
    if (duration.empty()) return Fail(start, "expected a duration such as 5m, found " + Found());
    Result<Duration> range = ParseDuration(duration);
    if (!range) return Fail(start, "invalid range: " + range.error().message);
    if (range->count() <= 0) return Fail(start, "the range must be longer than 0s");
    expr.range = *range;
    return Expect(']', "\"]\" after the range");
  }

  bool ParseComparison(Expr& expr) {
    SkipSpace();
    struct Op {
      std::string_view text;
      Comparison comparison;
    };
    static constexpr Op kOps[] = {{">=", Comparison::kGreaterEqual}, {"<=", Comparison::kLessEqual},
                                  {"==", Comparison::kEqual},        {"!=", Comparison::kNotEqual},
                                  {">", Comparison::kGreater},       {"<", Comparison::kLess}};
    for (const Op& op : kOps) {
      if (text_.substr(pos_, op.text.size()) == op.text) {
        pos_ += op.text.size();
        expr.comparison = op.comparison;
        SkipSpace();
        if (text_.substr(pos_, 4) == "bool" &&
            (pos_ + 4 == text_.size() || !IsNameChar(text_[pos_ + 4]))) {
          return Fail(
              "the bool modifier is not supported: a rule fires while the comparison "
              "holds");
        }
        return true;
      }
    }
    return Fail(
        "expected a comparison (>, <, >=, <=, == or !=) and a number after the "
        "selector, found " +
        Found());
  }

  bool ParseNumber(double& out) {
    SkipSpace();
    const std::size_t start = pos_;
    std::size_t end = pos_;
    bool negative = false;
    if (end < text_.size() && (text_[end] == '+' || text_[end] == '-')) {
      negative = text_[end] == '-';
      ++end;
    }
    std::size_t word_end = end;
    while (word_end < text_.size() && (IsNameChar(text_[word_end]) || text_[word_end] == '.')) {
      ++word_end;
    }
    std::string word(text_.substr(end, word_end - end));
    for (char& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (word == "inf" || word == "nan") {
      out = word == "inf" ? (negative ? -INFINITY : INFINITY) : NAN;
      pos_ = word_end;
      return true;
    }
    // Digits, a fraction and an exponent; from_chars does not take a leading '+'.
    while (end < text_.size() && (IsDigit(text_[end]) || text_[end] == '.')) ++end;
    if (end < text_.size() && (text_[end] == 'e' || text_[end] == 'E')) {
      ++end;
      if (end < text_.size() && (text_[end] == '+' || text_[end] == '-')) ++end;
      while (end < text_.size() && IsDigit(text_[end])) ++end;
    }
    const std::size_t digits_at = start + (negative || text_.substr(start, 1) == "+" ? 1 : 0);
    double value = 0;
    const char* first = text_.data() + digits_at;
    const char* last = text_.data() + end;
    auto [ptr, ec] = std::from_chars(first, last, value, std::chars_format::general);
    if (digits_at >= end || ec != std::errc() || ptr != last ||
        (end < text_.size() && IsNameChar(text_[end]))) {
      return Fail(start, "expected a number to compare with, found " + Found());
    }
    out = negative ? -value : value;
    pos_ = end;
    return true;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::optional<ExprError> error_;
};

std::string FormatNumber(double value) {
  std::string out;
  AppendSampleValue(out, value);
  return out;
}

}  // namespace

std::string_view RangeFunctionName(RangeFunction function) {
  for (const FunctionName& f : kFunctions) {
    if (f.function == function) return f.name;
  }
  return "";
}

std::string_view ComparisonText(Comparison comparison) {
  switch (comparison) {
    case Comparison::kGreater: return ">";
    case Comparison::kLess: return "<";
    case Comparison::kGreaterEqual: return ">=";
    case Comparison::kLessEqual: return "<=";
    case Comparison::kEqual: return "==";
    case Comparison::kNotEqual: return "!=";
  }
  return "?";
}

bool Compare(double value, Comparison comparison, double threshold) {
  switch (comparison) {
    case Comparison::kGreater: return value > threshold;
    case Comparison::kLess: return value < threshold;
    case Comparison::kGreaterEqual: return value >= threshold;
    case Comparison::kLessEqual: return value <= threshold;
    case Comparison::kEqual: return value == threshold;
    case Comparison::kNotEqual: return value != threshold;
  }
  return false;
}

std::string Expr::ToString() const {
  std::vector<std::string> parts;
  std::string selector;
  if (IsValidMetricName(metric)) {
    selector = metric;
  } else {
    parts.push_back("__name__=" + QuoteString(metric));
  }
  for (const LabelMatcher& matcher : matchers) parts.push_back(matcher.ToString());
  if (!parts.empty()) {
    selector += "{";
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (i > 0) selector += ", ";
      selector += parts[i];
    }
    selector += "}";
  }
  if (function != RangeFunction::kNone) {
    selector = std::string(RangeFunctionName(function)) + "(" + selector + "[" +
               FormatDuration(range) + "])";
  }
  return selector + " " + std::string(ComparisonText(comparison)) + " " + FormatNumber(threshold);
}

std::variant<Expr, ExprError> ParseExpr(std::string_view text) { return Parser(text).Parse(); }

}  // namespace vigil::alerting
