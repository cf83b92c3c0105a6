#include "alerting/promql/aggregate.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

#include "alerting/promql/eval_support.h"

namespace vigil::alerting::promql {
namespace {

// The labels a sample is grouped by: by(...) keeps those named, without(...) drops them and the
// metric name.
Labels GroupLabels(const Node& node, const Labels& labels) {
  return MatchingLabels(labels, node.grouping, !node.without);
}

struct Group {
  Labels labels;
  std::vector<const Sample*> members;
};

double Reduce(AggregateOp op, const std::vector<const Sample*>& members) {
  const double n = static_cast<double>(members.size());
  double sum = 0;
  for (const Sample* s : members) sum += s->value;
  switch (op) {
    case AggregateOp::kSum: return sum;
    case AggregateOp::kAvg: return sum / n;
    case AggregateOp::kCount: return n;
    case AggregateOp::kGroup: return 1;
    case AggregateOp::kMin:
    case AggregateOp::kMax: {
      // NaN only when every value is NaN, as Prometheus.
      double best = members.front()->value;
      for (const Sample* s : members) {
        const bool better = op == AggregateOp::kMin ? s->value < best : s->value > best;
        if (better || std::isnan(best)) best = s->value;
      }
      return best;
    }
    case AggregateOp::kStddev:
    case AggregateOp::kStdvar: {
      const double mean = sum / n;
      double squares = 0;
      for (const Sample* s : members) squares += (s->value - mean) * (s->value - mean);
      const double variance = squares / n;
      return op == AggregateOp::kStddev ? std::sqrt(variance) : variance;
    }
    default: return NAN;
  }
}

// As Go's strconv.FormatFloat(value, 'f', -1, 64), which count_values uses.
std::string FormatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[400];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
  return ec == std::errc() ? std::string(buffer, end) : std::string();
}

}  // namespace

Vector AggregateVector(const Node& node, Vector input, const Value* parameter) {
  std::map<std::string, Group> groups;
  std::vector<std::string> order;  // first appearance, for a stable result
  for (const Sample& sample : input) {
    Labels labels = GroupLabels(node, sample.labels);
    if (node.aggregate == AggregateOp::kCountValues) {
      SetLabel(labels, std::get<std::string>(*parameter), FormatValue(sample.value));
    }
    const std::string key = LabelsKey(labels);
    auto [it, fresh] = groups.try_emplace(key, Group{std::move(labels), {}});
    if (fresh) order.push_back(key);
    it->second.members.push_back(&sample);
  }
  const double scalar =
      parameter && std::holds_alternative<double>(*parameter) ? std::get<double>(*parameter) : 0;
  Vector out;
  for (const std::string& key : order) {
    Group& group = groups[key];
    switch (node.aggregate) {
      case AggregateOp::kTopk:
      case AggregateOp::kBottomk: {
        const bool top = node.aggregate == AggregateOp::kTopk;
        std::vector<const Sample*> members = group.members;
        std::stable_sort(members.begin(), members.end(), [top](const Sample* a, const Sample* b) {
          if (std::isnan(a->value) != std::isnan(b->value)) return std::isnan(b->value);
          return top ? a->value > b->value : a->value < b->value;
        });
        const double k = std::isnan(scalar) ? 0 : std::min(scalar, 1e9);
        const std::size_t keep = k < 1 ? 0 : static_cast<std::size_t>(k);
        for (std::size_t i = 0; i < std::min(keep, members.size()); ++i) out.push_back(*members[i]);
        break;
      }
      case AggregateOp::kQuantile: {
        std::vector<double> values;
        for (const Sample* s : group.members) values.push_back(s->value);
        out.push_back({group.labels, Quantile(scalar, std::move(values)), 0});
        break;
      }
      case AggregateOp::kCountValues:
        out.push_back({group.labels, static_cast<double>(group.members.size()), 0});
        break;
      default: out.push_back({group.labels, Reduce(node.aggregate, group.members), 0});
    }
  }
  return out;
}

}  // namespace vigil::alerting::promql
