// libFuzzer target: any rule expression text parses or fails with an offset inside the text,
// never crashes; and what parses prints as canonical text that parses back to the same thing.
// Both the rule expressions of today and the PromQL parser (alerting/promql) are held to that.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "alerting/expr.h"
#include "alerting/promql/parser.h"
#include "alerting/template.h"

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
  }
  auto rendered = vigil::alerting::Template::Parse(text);
  if (rendered) (void)rendered->Render({{"agent", "web-01"}}, 1.5);
  return 0;
}
