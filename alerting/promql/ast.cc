#include "alerting/promql/ast.h"

#include "alerting/promql/lexer.h"
#include "common/enum_names.h"
#include "common/exposition.h"

namespace vigil::alerting::promql {
namespace {

constexpr EnumNames<ValueType, 4> kValueTypeNames{{{ValueType::kScalar, "scalar"},
                                                   {ValueType::kVector, "instant vector"},
                                                   {ValueType::kMatrix, "range vector"},
                                                   {ValueType::kString, "string"}}};

constexpr EnumNames<BinaryOp, 16> kBinaryOpTexts{{{BinaryOp::kAdd, "+"},
                                                  {BinaryOp::kSub, "-"},
                                                  {BinaryOp::kMul, "*"},
                                                  {BinaryOp::kDiv, "/"},
                                                  {BinaryOp::kMod, "%"},
                                                  {BinaryOp::kPow, "^"},
                                                  {BinaryOp::kAtan2, "atan2"},
                                                  {BinaryOp::kEqual, "=="},
                                                  {BinaryOp::kNotEqual, "!="},
                                                  {BinaryOp::kLessEqual, "<="},
                                                  {BinaryOp::kLess, "<"},
                                                  {BinaryOp::kGreaterEqual, ">="},
                                                  {BinaryOp::kGreater, ">"},
                                                  {BinaryOp::kAnd, "and"},
                                                  {BinaryOp::kOr, "or"},
                                                  {BinaryOp::kUnless, "unless"}}};

constexpr EnumNames<AggregateOp, 12> kAggregateNames{{{AggregateOp::kSum, "sum"},
                                                      {AggregateOp::kAvg, "avg"},
                                                      {AggregateOp::kMin, "min"},
                                                      {AggregateOp::kMax, "max"},
                                                      {AggregateOp::kCount, "count"},
                                                      {AggregateOp::kStddev, "stddev"},
                                                      {AggregateOp::kStdvar, "stdvar"},
                                                      {AggregateOp::kTopk, "topk"},
                                                      {AggregateOp::kBottomk, "bottomk"},
                                                      {AggregateOp::kQuantile, "quantile"},
                                                      {AggregateOp::kCountValues, "count_values"},
                                                      {AggregateOp::kGroup, "group"}}};

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

// A metric name PromQL reads bare; others (a keyword, say) are written as __name__="...".
bool IsPlainMetricName(std::string_view name) {
  return IsValidMetricName(name) && !IsKeyword(name);
}

std::string Selector(const Node& node) {
  std::vector<std::string> matchers;
  std::string out;
  if (IsPlainMetricName(node.text)) {
    out = node.text;
  } else if (!node.text.empty()) {
    matchers.push_back("__name__=" + QuoteString(node.text));
  }
  for (const LabelMatcher& matcher : node.matchers) matchers.push_back(matcher.ToString());
  if (!matchers.empty() || out.empty()) out += "{" + Join(matchers) + "}";
  if (node.kind == Node::Kind::kMatrixSelector) out += "[" + FormatDuration(node.range) + "]";
  if (node.offset.count() > 0) out += " offset " + FormatDuration(node.offset);
  if (node.offset.count() < 0) out += " offset -" + FormatDuration(-node.offset);
  return out;
}

std::string Matching(const Node& node) {
  const VectorMatching& m = node.matching;
  std::string out;
  if (m.on || !m.labels.empty())
    out += std::string(m.on ? " on" : " ignoring") + " (" + Join(m.labels) + ")";
  if (m.cardinality == VectorMatching::Cardinality::kManyToOne) out += " group_left";
  if (m.cardinality == VectorMatching::Cardinality::kOneToMany) out += " group_right";
  if ((m.cardinality == VectorMatching::Cardinality::kManyToOne ||
       m.cardinality == VectorMatching::Cardinality::kOneToMany)) {
    out += " (" + Join(m.include) + ")";
  }
  return out;
}

}  // namespace

std::string_view ValueTypeName(ValueType type) { return NameIn(kValueTypeNames, type); }
std::string_view BinaryOpText(BinaryOp op) { return NameIn(kBinaryOpTexts, op); }
std::string_view AggregateOpName(AggregateOp op) { return NameIn(kAggregateNames, op); }
std::optional<AggregateOp> ParseAggregateOp(std::string_view name) {
  return ValueIn(kAggregateNames, name);
}

bool IsComparison(BinaryOp op) { return op >= BinaryOp::kEqual && op <= BinaryOp::kGreater; }
bool IsSetOperator(BinaryOp op) { return op >= BinaryOp::kAnd; }

std::string Format(const Node& node) {
  switch (node.kind) {
    case Node::Kind::kNumber: {
      std::string out;
      AppendSampleValue(out, node.number);
      return out;
    }
    case Node::Kind::kString: return QuoteString(node.text);
    case Node::Kind::kVectorSelector:
    case Node::Kind::kMatrixSelector: return Selector(node);
    case Node::Kind::kParen: return "(" + Format(*node.args[0]) + ")";
    case Node::Kind::kUnary: return "-" + Format(*node.args[0]);
    case Node::Kind::kBinary:
      return Format(*node.args[0]) + " " + std::string(BinaryOpText(node.op)) +
             (node.return_bool ? " bool" : "") + Matching(node) + " " + Format(*node.args[1]);
    case Node::Kind::kAggregate: {
      std::string out(AggregateOpName(node.aggregate));
      const bool grouped = node.without || !node.grouping.empty();
      if (grouped) {
        out += std::string(node.without ? " without" : " by") + " (" + Join(node.grouping) + ")";
      }
      out += grouped ? " (" : "(";
      if (node.parameter) out += Format(*node.parameter) + ", ";
      return out + Format(*node.args[0]) + ")";
    }
    case Node::Kind::kCall: {
      std::string out = node.text + "(";
      for (std::size_t i = 0; i < node.args.size(); ++i) {
        if (i > 0) out += ", ";
        out += Format(*node.args[i]);
      }
      return out + ")";
    }
  }
  return "";
}

}  // namespace vigil::alerting::promql
