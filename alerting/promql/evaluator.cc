#include "alerting/promql/evaluator.h"

#include <map>
#include <set>

#include "alerting/promql/aggregate.h"
#include "alerting/promql/eval_support.h"
#include "alerting/promql/function_eval.h"

namespace vigil::alerting::promql {
namespace {

bool IsArithmetic(BinaryOp op) { return !IsComparison(op) && !IsSetOperator(op); }

Status UniqueLabelSets(const Vector& vector) {
  std::set<std::string> seen;
  for (const Sample& sample : vector) {
    if (!seen.insert(LabelsKey(sample.labels)).second) {
      return MakeError(
          ErrorCode::kInvalidArgument,
          "vector cannot contain metrics with the same labelset " + LabelsText(sample.labels));
    }
  }
  return OkStatus();
}

class Evaluator {
 public:
  Evaluator(const SeriesSource& source, std::int64_t t_ms, EvalOptions options)
      : source_(source), t_ms_(t_ms), options_(options) {}

  Result<Value> Eval(const Node& node) {
    switch (node.kind) {
      case Node::Kind::kNumber: return Value(node.number);
      case Node::Kind::kString: return Value(node.text);
      case Node::Kind::kVectorSelector: return Value(InstantSelect(node));
      case Node::Kind::kMatrixSelector: return Value(RangeSelect(node));
      case Node::Kind::kParen: return Eval(*node.args[0]);
      case Node::Kind::kUnary: return Negate(node);
      case Node::Kind::kBinary: return Binary(node);
      case Node::Kind::kAggregate: return AggregateNode(node);
      case Node::Kind::kCall: return Call(node);
    }
    return MakeError(ErrorCode::kInternal, "unknown expression node");
  }

 private:
  std::vector<Series> Select(const Node& node, std::int64_t from_ms, std::int64_t to_ms) {
    std::vector<LabelMatcher> matchers = node.matchers;
    if (!node.text.empty()) {
      matchers.push_back(
          *LabelMatcher::Make(std::string(kMetricNameLabel), MatchOp::kEqual, node.text));
    }
    return source_.Select(matchers, from_ms, to_ms);
  }

  // Each series' latest point in [t - lookback, t], t moved back by the offset.
  Vector InstantSelect(const Node& node) {
    const std::int64_t at = t_ms_ - node.offset.count();
    Vector out;
    for (Series& series : Select(node, at - options_.lookback_ms, at)) {
      if (series.points.empty() || IsStaleMarker(series.points.back().value)) continue;
      const Point& last = series.points.back();
      out.push_back({std::move(series.labels), last.value, last.t_ms});
    }
    return out;
  }

  Matrix RangeSelect(const Node& node) {
    const std::int64_t at = t_ms_ - node.offset.count();
    Matrix matrix = Select(node, at - node.range.count(), at);
    for (Series& series : matrix) {
      std::erase_if(series.points, [](const Point& p) { return IsStaleMarker(p.value); });
    }
    std::erase_if(matrix, [](const Series& series) { return series.points.empty(); });
    return matrix;
  }

  Result<Value> Negate(const Node& node) {
    auto operand = Eval(*node.args[0]);
    if (!operand) return operand;
    if (auto* scalar = std::get_if<double>(&*operand)) return Value(-*scalar);
    Vector vector = std::get<Vector>(std::move(*operand));
    for (Sample& sample : vector) {
      sample.value = -sample.value;
      DropMetricName(sample.labels);
    }
    if (Status unique = UniqueLabelSets(vector); !unique) return unique.error();
    return Value(std::move(vector));
  }

  Result<Value> Binary(const Node& node) {
    auto left = Eval(*node.args[0]);
    if (!left) return left;
    auto right = Eval(*node.args[1]);
    if (!right) return right;
    const double* left_scalar = std::get_if<double>(&*left);
    const double* right_scalar = std::get_if<double>(&*right);
    if (left_scalar && right_scalar) {
      const std::optional<double> value = ApplyBinary(node.op, *left_scalar, *right_scalar);
      if (IsComparison(node.op)) return Value(value ? 1.0 : 0.0);  // parsed only with bool
      return Value(*value);
    }
    if (left_scalar)
      return WithScalar(node, std::get<Vector>(std::move(*right)), *left_scalar, true);
    if (right_scalar) {
      return WithScalar(node, std::get<Vector>(std::move(*left)), *right_scalar, false);
    }
    Vector& lhs = std::get<Vector>(*left);
    Vector& rhs = std::get<Vector>(*right);
    if (IsSetOperator(node.op)) return Value(SetOperation(node, std::move(lhs), rhs));
    return VectorOperation(node, std::move(lhs), std::move(rhs));
  }

  Result<Value> WithScalar(const Node& node, Vector vector, double scalar, bool scalar_left) {
    Vector out;
    for (Sample& sample : vector) {
      const double left = scalar_left ? scalar : sample.value;
      const double right = scalar_left ? sample.value : scalar;
      const std::optional<double> value = ApplyBinary(node.op, left, right);
      if (IsComparison(node.op)) {
        // A comparison keeps the vector's value, whichever side it is on.
        if (node.return_bool) {
          sample.value = value ? 1 : 0;
          DropMetricName(sample.labels);
        } else if (!value) {
          continue;
        }
      } else {
        sample.value = *value;
        DropMetricName(sample.labels);
      }
      out.push_back(std::move(sample));
    }
    if (Status unique = UniqueLabelSets(out); !unique) return unique.error();
    return Value(std::move(out));
  }

  std::string Signature(const Node& node, const Labels& labels) const {
    return LabelsKey(MatchingLabels(labels, node.matching.labels, node.matching.on));
  }

  Vector SetOperation(const Node& node, Vector lhs, const Vector& rhs) const {
    std::set<std::string> right_signatures;
    for (const Sample& sample : rhs) right_signatures.insert(Signature(node, sample.labels));
    Vector out;
    if (node.op == BinaryOp::kOr) {
      std::set<std::string> left_signatures;
      for (const Sample& sample : lhs) left_signatures.insert(Signature(node, sample.labels));
      out = std::move(lhs);
      for (const Sample& sample : rhs) {
        if (!left_signatures.count(Signature(node, sample.labels))) out.push_back(sample);
      }
      return out;
    }
    const bool keep_matched = node.op == BinaryOp::kAnd;
    for (Sample& sample : lhs) {
      if ((right_signatures.count(Signature(node, sample.labels)) > 0) == keep_matched) {
        out.push_back(std::move(sample));
      }
    }
    return out;
  }

  // The labels of one result: the "many" side's, less the metric name for arithmetic, narrowed
  // by on/ignoring when one-to-one, with group_x's labels from the "one" side.
  Labels ResultLabels(const Node& node, const Labels& many, const Labels& one) const {
    const VectorMatching& matching = node.matching;
    Labels out = many;
    if (IsArithmetic(node.op) || node.return_bool) DropMetricName(out);
    if (matching.cardinality == VectorMatching::Cardinality::kOneToOne) {
      if (matching.on) {
        out = MatchingLabels(out, matching.labels, true);
      } else {
        for (const std::string& name : matching.labels) SetLabel(out, name, "");
      }
    }
    for (const std::string& name : matching.include) SetLabel(out, name, LabelValue(one, name));
    return out;
  }

  Result<Value> VectorOperation(const Node& node, Vector lhs, Vector rhs) {
    const bool swapped = node.matching.cardinality == VectorMatching::Cardinality::kOneToMany;
    Vector& many = swapped ? rhs : lhs;
    const Vector& one = swapped ? lhs : rhs;
    std::map<std::string, const Sample*> one_by_signature;
    for (const Sample& sample : one) {
      auto [it, fresh] = one_by_signature.emplace(Signature(node, sample.labels), &sample);
      if (!fresh) {
        return MakeError(
            ErrorCode::kInvalidArgument,
            "found duplicate series for the match group " +
                LabelsText(MatchingLabels(sample.labels, node.matching.labels, node.matching.on)) +
                " on the " + (swapped ? "left" : "right") +
                " hand-side of the operation; many-to-many matching not allowed: "
                "matching labels must be unique on one side");
      }
    }
    const bool one_to_one = node.matching.cardinality == VectorMatching::Cardinality::kOneToOne;
    std::set<std::string> matched;  // one-to-one: signatures; otherwise result label sets
    Vector out;
    for (const Sample& sample : many) {
      const std::string signature = Signature(node, sample.labels);
      auto found = one_by_signature.find(signature);
      if (found == one_by_signature.end()) continue;
      const Sample& other = *found->second;
      const double left = swapped ? other.value : sample.value;
      const double right = swapped ? sample.value : other.value;
      const std::optional<double> value = ApplyBinary(node.op, left, right);
      if (IsComparison(node.op) && !node.return_bool && !value) continue;
      Sample result{ResultLabels(node, sample.labels, other.labels), 0, t_ms_};
      result.value = node.return_bool ? (value ? 1 : 0) : *value;
      const std::string key = one_to_one ? signature : LabelsKey(result.labels);
      if (!matched.insert(key).second) {
        return MakeError(ErrorCode::kInvalidArgument,
                         one_to_one ? "multiple matches for labels: many-to-one matching must be "
                                      "explicit (group_left/group_right)"
                                    : "multiple matches for labels: grouping labels must ensure "
                                      "unique matches");
      }
      out.push_back(std::move(result));
    }
    return Value(std::move(out));
  }

  Result<Value> AggregateNode(const Node& node) {
    std::optional<Value> parameter;
    if (node.parameter) {
      auto evaluated = Eval(*node.parameter);
      if (!evaluated) return evaluated;
      parameter = std::move(*evaluated);
    }
    auto operand = Eval(*node.args[0]);
    if (!operand) return operand;
    return Value(AggregateVector(node, std::get<Vector>(std::move(*operand)),
                                 parameter ? &*parameter : nullptr));
  }

  Result<Value> Call(const Node& node) {
    std::vector<Value> args;
    for (const NodePtr& arg : node.args) {
      auto evaluated = Eval(*arg);
      if (!evaluated) return evaluated;
      args.push_back(std::move(*evaluated));
    }
    auto result = CallFunction(node, std::move(args), t_ms_);
    if (!result) return result;
    if (const Vector* vector = std::get_if<Vector>(&*result)) {
      if (Status unique = UniqueLabelSets(*vector); !unique) return unique.error();
    }
    return result;
  }

  const SeriesSource& source_;
  std::int64_t t_ms_;
  EvalOptions options_;
};

}  // namespace

Result<Value> Evaluate(const Node& node, const SeriesSource& source, std::int64_t t_ms,
                       const EvalOptions& options) {
  return Evaluator(source, t_ms, options).Eval(node);
}

}  // namespace vigil::alerting::promql
