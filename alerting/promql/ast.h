#pragma once
// The syntax tree of a PromQL expression, as the parser (parser.h) makes it: every node typed
// (scalar, instant vector, range vector, string) and placed (its byte offset in the text), and
// Format, which writes a tree back as canonical text (parsing that text gives the same tree).

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alerting/label_matcher.h"
#include "common/units.h"

namespace vigil::alerting::promql {

enum class ValueType { kScalar, kVector, kMatrix, kString };
// "scalar", "instant vector", "range vector", "string": as Prometheus's errors say them.
std::string_view ValueTypeName(ValueType type);

enum class BinaryOp {
  kAdd,
  kSub,
  kMul,
  kDiv,
  kMod,
  kPow,
  kAtan2,
  kEqual,
  kNotEqual,
  kLessEqual,
  kLess,
  kGreaterEqual,
  kGreater,
  kAnd,
  kOr,
  kUnless,
};
std::string_view BinaryOpText(BinaryOp op);
bool IsComparison(BinaryOp op);
bool IsSetOperator(BinaryOp op);

enum class AggregateOp {
  kSum,
  kAvg,
  kMin,
  kMax,
  kCount,
  kStddev,
  kStdvar,
  kTopk,
  kBottomk,
  kQuantile,
  kCountValues,
  kGroup,
};
std::string_view AggregateOpName(AggregateOp op);
std::optional<AggregateOp> ParseAggregateOp(std::string_view name);

// How the two sides of a binary operation between vectors are matched.
struct VectorMatching {
  enum class Cardinality { kOneToOne, kManyToOne, kOneToMany, kManyToMany };
  Cardinality cardinality = Cardinality::kOneToOne;
  bool on = false;  // on(labels); otherwise ignoring(labels), empty by default
  std::vector<std::string> labels;
  std::vector<std::string> include;  // group_left(...) or group_right(...)
};

struct Node;
using NodePtr = std::unique_ptr<Node>;

struct Node {
  enum class Kind {
    kNumber,
    kString,
    kVectorSelector,
    kMatrixSelector,
    kParen,
    kUnary,  // a minus; a unary plus is dropped
    kBinary,
    kAggregate,
    kCall,
  };
  Kind kind = Kind::kNumber;
  ValueType type = ValueType::kScalar;
  std::size_t position = 0;

  double number = 0;  // kNumber
  // kString: the value; selectors: the metric name (empty when only matchers select); kCall: the
  // function's name.
  std::string text;
  std::vector<LabelMatcher> matchers;  // selectors: all but a metric name matched by equality
  Duration range{0};                   // kMatrixSelector
  Duration offset{0};                  // selectors; negative looks ahead

  BinaryOp op = BinaryOp::kAdd;  // kBinary
  bool return_bool = false;      // kBinary: a comparison with `bool`
  VectorMatching matching;       // kBinary between two vectors

  AggregateOp aggregate = AggregateOp::kSum;  // kAggregate
  bool without = false;                       // kAggregate: without(grouping), else by(...)
  std::vector<std::string> grouping;
  NodePtr parameter;  // kAggregate: topk's k, quantile's φ, count_values's label

  // kParen, kUnary: the operand; kBinary: left, right; kAggregate: the aggregated expression;
  // kCall: the arguments.
  std::vector<NodePtr> args;
};

// Canonical text: `sum by (job) (rate(x{a="b"}[5m] offset 1m))`, `a / on (i) group_left (n) b`.
std::string Format(const Node& node);

}  // namespace vigil::alerting::promql
