#include "alerting/promql/eval_support.h"

#include <algorithm>
#include <cmath>

namespace vigil::alerting::promql {

void DropMetricName(Labels& labels) { SetLabel(labels, kMetricNameLabel, ""); }

Labels MatchingLabels(const Labels& labels, const std::vector<std::string>& names, bool on) {
  Labels out;
  for (const Label& label : labels) {
    const bool named = std::find(names.begin(), names.end(), label.name) != names.end();
    if (on ? named : (!named && label.name != kMetricNameLabel)) out.push_back(label);
  }
  return out;
}

std::string LabelsKey(const Labels& labels) {
  std::string key;
  for (const Label& label : labels) {
    key += label.name;
    key += '\xff';
    key += label.value;
    key += '\xff';
  }
  return key;
}

std::string LabelsText(const Labels& labels) {
  std::string out = "{";
  for (const Label& label : labels) {
    if (out.size() > 1) out += ", ";
    out += label.name + "=" + QuoteString(label.value);
  }
  return out + "}";
}

std::optional<double> ApplyBinary(BinaryOp op, double left, double right) {
  switch (op) {
    case BinaryOp::kAdd: return left + right;
    case BinaryOp::kSub: return left - right;
    case BinaryOp::kMul: return left * right;
    case BinaryOp::kDiv: return left / right;
    case BinaryOp::kPow: return std::pow(left, right);
    case BinaryOp::kMod: return std::fmod(left, right);
    case BinaryOp::kAtan2: return std::atan2(left, right);
    case BinaryOp::kEqual: return left == right ? std::optional(left) : std::nullopt;
    case BinaryOp::kNotEqual: return left != right ? std::optional(left) : std::nullopt;
    case BinaryOp::kLessEqual: return left <= right ? std::optional(left) : std::nullopt;
    case BinaryOp::kLess: return left < right ? std::optional(left) : std::nullopt;
    case BinaryOp::kGreaterEqual: return left >= right ? std::optional(left) : std::nullopt;
    case BinaryOp::kGreater: return left > right ? std::optional(left) : std::nullopt;
    case BinaryOp::kAnd:
    case BinaryOp::kOr:
    case BinaryOp::kUnless: break;  // set operators work on whole vectors
  }
  return std::nullopt;
}

double Quantile(double phi, std::vector<double> values) {
  if (values.empty() || std::isnan(phi)) return NAN;
  if (phi < 0) return -INFINITY;
  if (phi > 1) return INFINITY;
  std::sort(values.begin(), values.end());
  const double rank = phi * static_cast<double>(values.size() - 1);
  const auto lower = static_cast<std::size_t>(std::max(0.0, std::floor(rank)));
  const std::size_t upper = std::min(values.size() - 1, lower + 1);
  const double weight = rank - std::floor(rank);
  return values[lower] * (1 - weight) + values[upper] * weight;
}

}  // namespace vigil::alerting::promql
