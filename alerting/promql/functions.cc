#include "alerting/promql/functions.h"

#include <algorithm>

namespace vigil::alerting::promql {
namespace {

constexpr ValueType S = ValueType::kScalar;
constexpr ValueType V = ValueType::kVector;
constexpr ValueType M = ValueType::kMatrix;
constexpr ValueType T = ValueType::kString;

const std::vector<FunctionSignature>& Functions() {
  static const std::vector<FunctionSignature> functions = [] {
    std::vector<FunctionSignature> all = {
        {"abs", {V}},
        {"absent", {V}},
        {"absent_over_time", {M}},
        {"ceil", {V}},
        {"changes", {M}},
        {"clamp", {V, S, S}},
        {"clamp_max", {V, S}},
        {"clamp_min", {V, S}},
        {"day_of_month", {V}, 1},
        {"day_of_week", {V}, 1},
        {"days_in_month", {V}, 1},
        {"delta", {M}},
        {"deriv", {M}},
        {"exp", {V}},
        {"floor", {V}},
        {"histogram_quantile", {S, V}},
        {"hour", {V}, 1},
        {"idelta", {M}},
        {"increase", {M}},
        {"irate", {M}},
        {"label_join", {V, T, T, T}, 1, true},
        {"label_replace", {V, T, T, T, T}},
        {"ln", {V}},
        {"log10", {V}},
        {"log2", {V}},
        {"minute", {V}, 1},
        {"month", {V}, 1},
        {"predict_linear", {M, S}},
        {"quantile_over_time", {S, M}},
        {"rate", {M}},
        {"resets", {M}},
        {"round", {V, S}, 1},
        {"scalar", {V}, 0, false, S},
        {"sort", {V}},
        {"sort_desc", {V}},
        {"sqrt", {V}},
        {"time", {}, 0, false, S},
        {"timestamp", {V}},
        {"vector", {S}},
        {"year", {V}, 1},
    };
    for (std::string_view name :
         {"avg_over_time", "count_over_time", "last_over_time", "max_over_time", "min_over_time",
          "present_over_time", "stddev_over_time", "stdvar_over_time", "sum_over_time"}) {
      all.push_back({name, {M}});
    }
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return all;
  }();
  return functions;
}

}  // namespace

const FunctionSignature* FindFunction(std::string_view name) {
  const auto& all = Functions();
  auto found =
      std::lower_bound(all.begin(), all.end(), name,
                       [](const FunctionSignature& f, std::string_view n) { return f.name < n; });
  return found != all.end() && found->name == name ? &*found : nullptr;
}

}  // namespace vigil::alerting::promql
