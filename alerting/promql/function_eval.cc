#include "alerting/promql/function_eval.h"

#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <map>

#include "alerting/promql/eval_support.h"
#include "alerting/promql/range_functions.h"
#include "common/exposition.h"

namespace vigil::alerting::promql {
namespace {

// The labels absent() gives: the selector's equality matchers, less any named twice.
Labels AbsentLabels(const Node& arg) {
  Labels out;
  if (arg.kind != Node::Kind::kVectorSelector && arg.kind != Node::Kind::kMatrixSelector) {
    return out;
  }
  std::map<std::string, int> seen;
  for (const LabelMatcher& m : arg.matchers) {
    if (m.op() == MatchOp::kEqual) ++seen[m.name()];
  }
  for (const LabelMatcher& m : arg.matchers) {
    if (m.op() == MatchOp::kEqual && seen[m.name()] == 1) SetLabel(out, m.name(), m.value());
  }
  return out;
}

Vector OverRange(const Node& call, Matrix matrix, std::int64_t t_ms, double parameter) {
  const Node& selector = *call.args[call.text == "quantile_over_time" ? 1 : 0];
  RangeCall range{call.text, 0, t_ms - selector.offset.count(), t_ms, parameter};
  range.range_start_ms = range.range_end_ms - selector.range.count();
  Vector out;
  for (Series& series : matrix) {
    const std::optional<double> value = EvaluateOverRange(range, series.points);
    if (!value) continue;
    if (call.text != "last_over_time") DropMetricName(series.labels);
    out.push_back({std::move(series.labels), *value, t_ms});
  }
  return out;
}

using Unary = double (*)(double);

std::optional<Unary> MathFunction(std::string_view name) {
  static const std::map<std::string_view, Unary> kFunctions = {
      {"abs", [](double v) { return std::fabs(v); }},
      {"ceil", [](double v) { return std::ceil(v); }},
      {"floor", [](double v) { return std::floor(v); }},
      {"exp", [](double v) { return std::exp(v); }},
      {"ln", [](double v) { return std::log(v); }},
      {"log2", [](double v) { return std::log2(v); }},
      {"log10", [](double v) { return std::log10(v); }},
      {"sqrt", [](double v) { return std::sqrt(v); }},
  };
  auto found = kFunctions.find(name);
  if (found == kFunctions.end()) return std::nullopt;
  return found->second;
}

// hour(), month() and the others, of each value taken as Unix seconds, in UTC.
std::optional<double> DatePart(std::string_view name, double seconds) {
  if (std::isnan(seconds) || std::isinf(seconds)) return NAN;
  const std::time_t time = static_cast<std::time_t>(std::floor(seconds));
  std::tm utc{};
  if (gmtime_r(&time, &utc) == nullptr) return NAN;
  if (name == "hour") return utc.tm_hour;
  if (name == "minute") return utc.tm_min;
  if (name == "day_of_week") return utc.tm_wday;
  if (name == "day_of_month") return utc.tm_mday;
  if (name == "month") return utc.tm_mon + 1;
  if (name == "year") return utc.tm_year + 1900;
  if (name == "days_in_month") {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const int year = utc.tm_year + 1900;
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return kDays[utc.tm_mon] + (utc.tm_mon == 1 && leap ? 1 : 0);
  }
  return std::nullopt;
}

// Go's regexp.Expand: $1, ${1}, $name, ${name}; $$ is a dollar; a malformed $ stays as is.
std::string Expand(std::string_view pattern, const RE2& regex,
                   const std::vector<re2::StringPiece>& groups) {
  const auto& named = regex.NamedCapturingGroups();
  const auto is_name_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  };
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '$' || i + 1 >= pattern.size()) {
      out += pattern[i];
      continue;
    }
    std::string_view name;
    std::size_t next = i + 1;
    if (pattern[next] == '$') {
      out += '$';
      i = next;
      continue;
    }
    if (pattern[next] == '{') {
      const std::size_t close = pattern.find('}', next);
      if (close == std::string_view::npos) {
        out += '$';
        continue;
      }
      name = pattern.substr(next + 1, close - next - 1);
      next = close + 1;
      if (name.empty() || !std::all_of(name.begin(), name.end(), is_name_char)) {
        out += '$';
        continue;
      }
    } else {
      std::size_t end = next;
      while (end < pattern.size() && is_name_char(pattern[end])) ++end;
      name = pattern.substr(next, end - next);
      next = end;
      if (name.empty()) {
        out += '$';
        continue;
      }
    }
    int index = -1;
    if (std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      index = name.size() < 6 ? std::stoi(std::string(name)) : -1;
    } else if (auto it = named.find(std::string(name)); it != named.end()) {
      index = it->second;
    }
    if (index >= 0 && static_cast<std::size_t>(index) < groups.size()) {
      out.append(groups[index].data(), groups[index].size());
    }
    i = next - 1;
  }
  return out;
}

Result<Vector> LabelReplace(Vector vector, const std::vector<Value>& args) {
  const auto& dst = std::get<std::string>(args[1]);
  const auto& replacement = std::get<std::string>(args[2]);
  const auto& src = std::get<std::string>(args[3]);
  const auto& pattern = std::get<std::string>(args[4]);
  RE2::Options options;
  options.set_log_errors(false);
  RE2 regex("^(?:" + pattern + ")$", options);
  if (!regex.ok()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "invalid regular expression in label_replace(): " + regex.error());
  }
  if (!IsValidLabelName(dst)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "invalid destination label name in label_replace(): " + dst);
  }
  std::vector<re2::StringPiece> groups(static_cast<std::size_t>(regex.NumberOfCapturingGroups()) +
                                       1);
  for (Sample& sample : vector) {
    const std::string_view value = LabelValue(sample.labels, src);
    if (!regex.Match(re2::StringPiece(value.data(), value.size()), 0, value.size(), RE2::UNANCHORED,
                     groups.data(), static_cast<int>(groups.size()))) {
      continue;
    }
    SetLabel(sample.labels, dst, Expand(replacement, regex, groups));
  }
  return vector;
}

Result<Vector> LabelJoin(Vector vector, const std::vector<Value>& args) {
  const auto& dst = std::get<std::string>(args[1]);
  const auto& separator = std::get<std::string>(args[2]);
  if (!IsValidLabelName(dst)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "invalid destination label name in label_join(): " + dst);
  }
  for (Sample& sample : vector) {
    std::string joined;
    for (std::size_t i = 3; i < args.size(); ++i) {
      if (i > 3) joined += separator;
      joined += LabelValue(sample.labels, std::get<std::string>(args[i]));
    }
    SetLabel(sample.labels, dst, joined);
  }
  return vector;
}

// Prometheus's bucketQuantile over one histogram's cumulative buckets (upper bound, count).
double BucketQuantile(double phi, std::vector<std::pair<double, double>> buckets) {
  if (std::isnan(phi)) return NAN;
  if (phi < 0) return -INFINITY;
  if (phi > 1) return INFINITY;
  std::sort(buckets.begin(), buckets.end());
  if (buckets.size() < 2 || !std::isinf(buckets.back().first)) return NAN;
  for (std::size_t i = 1; i < buckets.size(); ++i) {  // counts must not fall
    buckets[i].second = std::max(buckets[i].second, buckets[i - 1].second);
  }
  const double observations = buckets.back().second;
  if (observations == 0) return NAN;
  double rank = phi * observations;
  std::size_t b = 0;
  while (b < buckets.size() - 1 && buckets[b].second < rank) ++b;
  if (b == buckets.size() - 1) return buckets[b - 1].first;
  if (b == 0 && buckets[0].first <= 0) return buckets[0].first;
  double start = 0;
  double count = buckets[b].second;
  if (b > 0) {
    start = buckets[b - 1].first;
    count -= buckets[b - 1].second;
    rank -= buckets[b - 1].second;
  }
  return start + (buckets[b].first - start) * (rank / count);
}

Vector HistogramQuantile(double phi, const Vector& vector, std::int64_t t_ms) {
  std::map<std::string, std::pair<Labels, std::vector<std::pair<double, double>>>> histograms;
  for (const Sample& sample : vector) {
    const std::string_view le = LabelValue(sample.labels, "le");
    char* end = nullptr;
    const std::string text(le);
    const double bound = std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size()) continue;
    Labels labels = sample.labels;
    SetLabel(labels, "le", "");
    DropMetricName(labels);
    auto& entry = histograms[LabelsKey(labels)];
    entry.first = std::move(labels);
    entry.second.push_back({bound, sample.value});
  }
  Vector out;
  for (auto& [key, histogram] : histograms) {
    out.push_back({histogram.first, BucketQuantile(phi, std::move(histogram.second)), t_ms});
  }
  return out;
}

// Go's math.Max and math.Min, which Prometheus's clamp uses: NaN when either is NaN.
double GoMax(double a, double b) { return std::isnan(a) || std::isnan(b) ? NAN : std::max(a, b); }
double GoMin(double a, double b) { return std::isnan(a) || std::isnan(b) ? NAN : std::min(a, b); }

}  // namespace

Result<Value> CallFunction(const Node& call, std::vector<Value> args, std::int64_t t_ms) {
  const std::string& name = call.text;
  const auto scalar = [&](std::size_t i) { return std::get<double>(args[i]); };
  if (name == "time") return Value(static_cast<double>(t_ms) / 1000);
  if (name == "vector") return Value(Vector{{Labels{}, scalar(0), t_ms}});
  if (name == "scalar") {
    const Vector& v = std::get<Vector>(args[0]);
    return Value(v.size() == 1 ? v[0].value : NAN);
  }
  if (name == "absent" || name == "absent_over_time") {
    const bool empty =
        name == "absent" ? std::get<Vector>(args[0]).empty() : std::get<Matrix>(args[0]).empty();
    if (!empty) return Value(Vector{});
    return Value(Vector{{AbsentLabels(*call.args[0]), 1, t_ms}});
  }
  if ((!args.empty() && std::holds_alternative<Matrix>(args[0])) || name == "quantile_over_time" ||
      name == "predict_linear") {
    const bool quantile = name == "quantile_over_time";
    const double parameter = quantile || name == "predict_linear" ? scalar(quantile ? 0 : 1) : 0;
    return Value(
        OverRange(call, std::get<Matrix>(std::move(args[quantile ? 1 : 0])), t_ms, parameter));
  }
  if (name == "histogram_quantile") {
    return Value(HistogramQuantile(scalar(0), std::get<Vector>(args[1]), t_ms));
  }
  if (name == "label_replace" || name == "label_join") {
    Vector vector = std::get<Vector>(std::move(args[0]));
    auto labelled = name == "label_replace" ? LabelReplace(std::move(vector), args)
                                            : LabelJoin(std::move(vector), args);
    if (!labelled) return labelled.error();
    return Value(std::move(*labelled));
  }
  // The date functions default to vector(time()).
  Vector vector = args.empty() ? Vector{{Labels{}, static_cast<double>(t_ms) / 1000, t_ms}}
                               : std::get<Vector>(std::move(args[0]));
  if (name == "sort" || name == "sort_desc") {
    const bool descending = name == "sort_desc";
    std::stable_sort(vector.begin(), vector.end(), [descending](const Sample& a, const Sample& b) {
      if (std::isnan(a.value) != std::isnan(b.value)) return std::isnan(b.value);
      return descending ? a.value > b.value : a.value < b.value;
    });
    return Value(std::move(vector));
  }
  if (name == "clamp" && scalar(2) < scalar(1)) return Value(Vector{});
  Vector out;
  for (Sample& sample : vector) {
    double v = sample.value;
    if (auto math = MathFunction(name)) {
      v = (*math)(v);
    } else if (auto part = DatePart(name, v)) {
      v = *part;
    } else if (name == "round") {
      const double inverse = args.size() > 1 ? 1 / scalar(1) : 1;
      v = std::floor(v * inverse + 0.5) / inverse;
    } else if (name == "clamp") {
      v = GoMax(scalar(1), GoMin(scalar(2), v));
    } else if (name == "clamp_min") {
      v = GoMax(scalar(1), v);
    } else if (name == "clamp_max") {
      v = GoMin(scalar(1), v);
    } else if (name == "timestamp") {
      v = static_cast<double>(sample.t_ms) / 1000;
    } else {
      return MakeError(ErrorCode::kInternal, "no evaluation for function " + name);
    }
    DropMetricName(sample.labels);
    out.push_back({std::move(sample.labels), v, t_ms});
  }
  return Value(std::move(out));
}

}  // namespace vigil::alerting::promql
