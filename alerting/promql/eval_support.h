#pragma once
// What the evaluator's parts share: label-set editing and the arithmetic of one pair of values.
// Internal to alerting/promql.

#include <optional>
#include <string>
#include <vector>

#include "alerting/promql/ast.h"
#include "alerting/promql/value.h"

namespace vigil::alerting::promql {

void DropMetricName(Labels& labels);
// Only the labels named in `names` (on), or all but those and __name__ (ignoring).
Labels MatchingLabels(const Labels& labels, const std::vector<std::string>& names, bool on);
// The labels as one text, for grouping and matching.
std::string LabelsKey(const Labels& labels);
// `{a="b", c="d"}`, for messages.
std::string LabelsText(const Labels& labels);

// The result of `left op right` for one pair; nullopt when a comparison does not hold.
std::optional<double> ApplyBinary(BinaryOp op, double left, double right);

// Nearest-rank-by-interpolation quantile as Prometheus computes it (φ < 0: -Inf, φ > 1: +Inf).
double Quantile(double phi, std::vector<double> values);

}  // namespace vigil::alerting::promql
