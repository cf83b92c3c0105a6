#pragma once
// Parses a PromQL expression into a typed tree (ast.h): selectors with every matcher, ranges and
// offset; unary minus; arithmetic, comparison (with bool) and set operators with on/ignoring and
// group_left/group_right, at Prometheus's precedence (^ binds right, then * / % atan2, + -,
// comparisons, and unless, or; a unary minus binds like *); aggregations with by/without before or
// after their operand; the functions of functions.h. Types are checked as Prometheus checks them
// (a set operator between vectors only, a comparison of two scalars only with bool, each
// function's argument types), so a mistake is reported at load time, with its position.
//
// Not accepted, each with a message that says so: subqueries (`x[1h:5m]`) and the @ modifier.
// Pure and bounded: the text's length and the tree's depth are capped.

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>

#include "alerting/promql/ast.h"

namespace vigil::alerting::promql {

struct ParseError {
  std::size_t offset = 0;  // byte offset into the expression
  std::string message;     // what was found and what was expected
};

inline constexpr std::size_t kMaxExpressionBytes = 64 << 10;
inline constexpr int kMaxDepth = 128;

std::variant<NodePtr, ParseError> Parse(std::string_view text);

}  // namespace vigil::alerting::promql
