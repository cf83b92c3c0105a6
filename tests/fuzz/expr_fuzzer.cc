// libFuzzer target: any rule expression text parses or fails with an offset inside the text,
// never crashes; and what parses prints as canonical text that parses back to the same thing.
// Both the rule expressions of today and the PromQL parser (alerting/promql) are held to that.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "alerting/expr.h"
#include "alerting/promql/evaluator.h"
#include "alerting/promql/parser.h"
#include "alerting/template.h"

namespace {

// A few series for parsed expressions to be evaluated over: what evaluates must not crash.
const vigil::alerting::promql::MemorySeriesSource& Fixture() {
  static const auto* source = [] {
    auto* s = new vigil::alerting::promql::MemorySeriesSource();
    for (std::int64_t t = 0; t <= 600'000; t += 15'000) {
      const double v = static_cast<double>(t) / 1000;
      s->Add({{"__name__", "c_total"}, {"instance", "a"}}, {t, t == 300'000 ? 1 : v});
      s->Add({{"__name__", "c_total"}, {"instance", "b"}}, {t, v * 2});
      s->Add({{"__name__", "h_bucket"}, {"le", t % 30'000 ? "0.5" : "+Inf"}}, {t, v});
      s->Add({{"__name__", "up"}, {"instance", "a"}, {"nodename", "web"}}, {t, 1});
    }
    return s;
  }();
  return *source;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = vigil::alerting::ParseExpr(text);
  if (auto* error = std::get_if<vigil::alerting::ExprError>(&parsed)) {
    if (error->offset > text.size() || error->message.empty()) std::abort();
  } else {
    const std::string canonical = std::get<vigil::alerting::Expr>(parsed).ToString();
    auto again = vigil::alerting::ParseExpr(canonical);
    auto* expr = std::get_if<vigil::alerting::Expr>(&again);
    if (expr == nullptr || expr->ToString() != canonical) std::abort();
  }
  namespace promql = vigil::alerting::promql;
  auto tree = promql::Parse(text);
  if (auto* error = std::get_if<promql::ParseError>(&tree)) {
    if (error->offset > text.size() || error->message.empty()) std::abort();
  } else {
    const std::string canonical = promql::Format(*std::get<promql::NodePtr>(tree));
    auto again = promql::Parse(canonical);
    auto* node = std::get_if<promql::NodePtr>(&again);
    if (node == nullptr || promql::Format(**node) != canonical) std::abort();
    (void)promql::Evaluate(*std::get<promql::NodePtr>(tree), Fixture(), 600'000);
  }
  std::size_t offset = 0;
  auto rendered = vigil::alerting::Template::Parse(text, &offset);
  if (rendered) {
    const std::string out =
        rendered->Render({{"agent", "web-01"}, {"instance", "web-01:9100"}, {"job", "node"}}, 1.5);
    if (out.size() > (64 << 10) + 256) std::abort();  // the bound Render promises
  } else if (offset > text.size()) {
    std::abort();
  }
  return 0;
}
