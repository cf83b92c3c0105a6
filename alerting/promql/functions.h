#pragma once
// The PromQL functions Vigil evaluates (docs/rules.md), with the types of their arguments and
// result, for the parser's checks.

#include <cstddef>
#include <string_view>
#include <vector>

#include "alerting/promql/ast.h"

namespace vigil::alerting::promql {

struct FunctionSignature {
  std::string_view name;
  std::vector<ValueType> args;
  std::size_t optional_args = 0;  // how many of the last `args` may be left out
  bool variadic = false;          // the last argument may repeat (label_join's sources)
  ValueType result = ValueType::kVector;
};

// nullptr for a name that is not a function Vigil knows.
const FunctionSignature* FindFunction(std::string_view name);

}  // namespace vigil::alerting::promql
