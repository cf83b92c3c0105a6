#pragma once
// PromQL's functions (functions.h lists them), evaluated as Prometheus 2.x does. Internal to
// alerting/promql.

#include <cstdint>
#include <vector>

#include "alerting/promql/ast.h"
#include "alerting/promql/value.h"
#include "common/result.h"

namespace vigil::alerting::promql {

// `call` is the parsed call (its arguments' nodes give ranges, offsets and, for absent, the
// selector's labels); `args` their values at `t_ms`.
Result<Value> CallFunction(const Node& call, std::vector<Value> args, std::int64_t t_ms);

}  // namespace vigil::alerting::promql
