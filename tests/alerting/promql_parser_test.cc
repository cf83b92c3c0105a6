#include "alerting/promql/parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

namespace vigil::alerting::promql {
namespace {

using ::testing::HasSubstr;

// The canonical text of `text`, or "error at N: message".
std::string Canonical(std::string_view text) {
  auto parsed = Parse(text);
  if (auto* error = std::get_if<ParseError>(&parsed)) {
    return "error at " + std::to_string(error->offset) + ": " + error->message;
  }
  return Format(*std::get<NodePtr>(parsed));
}

// The tree of `text`, which must parse; a lone number when it does not.
NodePtr Tree(std::string_view text) {
  auto parsed = Parse(text);
  if (const auto* error = std::get_if<ParseError>(&parsed)) {
    ADD_FAILURE() << text << ": " << error->message;
    return std::make_unique<Node>();
  }
  return std::move(std::get<NodePtr>(parsed));
}

ParseError ErrorOf(std::string_view text) {
  auto parsed = Parse(text);
  if (auto* error = std::get_if<ParseError>(&parsed)) return *error;
  ADD_FAILURE() << text << " parsed as " << Format(*std::get<NodePtr>(parsed));
  return {};
}

TEST(PromqlParser, TheRulesPeopleWriteFirstParseAsTheyMeanThem) {
  EXPECT_EQ(
      Canonical(R"((1 - node_filesystem_avail_bytes{fstype!~"tmpfs|overlay"}
                          / node_filesystem_size_bytes) * 100 > 90)"),
      R"((1 - node_filesystem_avail_bytes{fstype!~"tmpfs|overlay"} / node_filesystem_size_bytes) * 100 > 90)");
  EXPECT_EQ(Canonical("1 - avg by (instance) (rate(node_cpu_seconds_total{mode=\"idle\"}[5m])) "
                      "> 0.8"),
            "1 - avg by (instance) (rate(node_cpu_seconds_total{mode=\"idle\"}[5m])) > 0.8");
  EXPECT_EQ(Canonical("predict_linear(node_filesystem_avail_bytes[1h], 4 * 3600) < 0"),
            "predict_linear(node_filesystem_avail_bytes[1h], 4 * 3600) < 0");
  EXPECT_EQ(Canonical("node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes * on(instance) "
                      "group_left(nodename) node_uname_info < 0.1"),
            "node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes * on (instance) "
            "group_left (nodename) node_uname_info < 0.1");
}

TEST(PromqlParser, PrecedenceIsPrometheuss) {
  const NodePtr sum = Tree("a + b * c");
  ASSERT_EQ(sum->kind, Node::Kind::kBinary);
  EXPECT_EQ(sum->op, BinaryOp::kAdd);
  EXPECT_EQ(sum->args[1]->op, BinaryOp::kMul);

  const NodePtr power = Tree("2 ^ 3 ^ 2");  // right-associative
  EXPECT_EQ(power->args[0]->number, 2);
  EXPECT_EQ(power->args[1]->kind, Node::Kind::kBinary);

  const NodePtr negated = Tree("-2 ^ 2");  // -(2 ^ 2)
  ASSERT_EQ(negated->kind, Node::Kind::kUnary);
  EXPECT_EQ(negated->args[0]->op, BinaryOp::kPow);

  const NodePtr left = Tree("a - b - c");  // (a - b) - c
  EXPECT_EQ(left->args[0]->kind, Node::Kind::kBinary);

  const NodePtr set = Tree("a > 1 and b or c unless d");  // (a > 1 and b) or (c unless d)
  EXPECT_EQ(set->op, BinaryOp::kOr);
  EXPECT_EQ(set->args[0]->op, BinaryOp::kAnd);
  EXPECT_EQ(set->args[1]->op, BinaryOp::kUnless);
  EXPECT_EQ(set->matching.cardinality, VectorMatching::Cardinality::kManyToMany);

  EXPECT_EQ(Tree("-1")->kind, Node::Kind::kNumber);
  EXPECT_EQ(Tree("-1")->number, -1);
  EXPECT_EQ(Tree("a atan2 b")->op, BinaryOp::kAtan2);
}

TEST(PromqlParser, SelectorsTakeEveryMatcherRangeAndOffset) {
  const NodePtr selector = Tree(
      R"(http_requests_total{job="api", code=~"5..", path!="/", method!~'GET|HEAD',}[5m] offset 1h)");
  ASSERT_EQ(selector->kind, Node::Kind::kMatrixSelector);
  EXPECT_EQ(selector->type, ValueType::kMatrix);
  EXPECT_EQ(selector->text, "http_requests_total");
  EXPECT_EQ(selector->matchers.size(), 4u);
  EXPECT_EQ(selector->range, std::chrono::minutes(5));
  EXPECT_EQ(selector->offset, std::chrono::hours(1));

  EXPECT_EQ(Canonical(R"({__name__="up", job="x"})"), R"(up{job="x"})");
  EXPECT_EQ(Canonical(R"({__name__=~"node_.*"})"), R"({__name__=~"node_.*"})");
  EXPECT_EQ(Canonical("x offset -5m"), "x offset -5m");
  EXPECT_EQ(Canonical("x[1h30m]"), "x[1h30m]");
  EXPECT_EQ(Canonical("x[2w]"), "x[14d]");
  EXPECT_EQ(Canonical(R"({__name__="sum"})"), R"({__name__="sum"})");  // a keyword as a name
}

TEST(PromqlParser, AggregationsTakeGroupingBeforeOrAfterAndTheirParameters) {
  EXPECT_EQ(Canonical("sum(rate(x[5m])) by (job)"), "sum by (job) (rate(x[5m]))");
  EXPECT_EQ(Canonical("SUM WITHOUT (cpu, mode) (x)"), "sum without (cpu, mode) (x)");
  EXPECT_EQ(Canonical("topk(3, x)"), "topk(3, x)");
  EXPECT_EQ(Canonical("quantile by (a) (0.9, x)"), "quantile by (a) (0.9, x)");
  EXPECT_EQ(Canonical(R"(count_values("version", build_info))"),
            R"(count_values("version", build_info))");
  EXPECT_EQ(Canonical("group(x)"), "group(x)");
  EXPECT_THAT(ErrorOf("topk(x)").message, HasSubstr("topk takes a scalar parameter first"));
  EXPECT_THAT(ErrorOf("count_values(1, x)").message, HasSubstr("string parameter"));
  EXPECT_THAT(ErrorOf("sum(x[5m])").message, HasSubstr("aggregates an instant vector"));
}

TEST(PromqlParser, FunctionsAreCheckedForCountAndTypes) {
  EXPECT_EQ(Canonical("round(x)"), "round(x)");
  EXPECT_EQ(Canonical("round(x, 0.5)"), "round(x, 0.5)");
  EXPECT_EQ(Canonical("time() - x"), "time() - x");
  EXPECT_EQ(Canonical(R"(label_join(x, "dst", ",", "a", "b", "c"))"),
            R"(label_join(x, "dst", ",", "a", "b", "c"))");
  EXPECT_EQ(Canonical("hour()"), "hour()");
  EXPECT_EQ(Tree("scalar(x)")->type, ValueType::kScalar);
  EXPECT_THAT(ErrorOf("rate(x)").message,
              HasSubstr("argument 1 of rate must be a range vector, found an instant vector"));
  EXPECT_THAT(ErrorOf("rate(x[5m], 1)").message, HasSubstr("rate takes 1 argument, given 2"));
  EXPECT_THAT(ErrorOf("clamp(x, 1)").message, HasSubstr("clamp takes 3 arguments, given 2"));
  const ParseError unknown = ErrorOf("x + frobnicate(y)");
  EXPECT_EQ(unknown.offset, 4u);
  EXPECT_THAT(unknown.message, HasSubstr("unknown function \"frobnicate\""));
}

TEST(PromqlParser, VectorMatchingAndBoolFollowPrometheussRules) {
  const NodePtr joined = Tree("a / ignoring(mode) group_right(x, y) b");
  EXPECT_FALSE(joined->matching.on);
  EXPECT_EQ(joined->matching.labels, std::vector<std::string>{"mode"});
  EXPECT_EQ(joined->matching.cardinality, VectorMatching::Cardinality::kOneToMany);
  EXPECT_EQ(joined->matching.include, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(Canonical("a * on() group_left b"), "a * on () group_left () b");
  EXPECT_EQ(Canonical("1 < bool 2"), "1 < bool 2");
  EXPECT_EQ(Tree("1 < bool 2")->type, ValueType::kScalar);

  EXPECT_THAT(ErrorOf("1 < 2").message, HasSubstr("needs bool"));
  EXPECT_THAT(ErrorOf("x + bool y").message, HasSubstr("bool applies to comparisons only"));
  EXPECT_THAT(ErrorOf("x and 1").message, HasSubstr("both sides must be instant vectors"));
  EXPECT_THAT(ErrorOf("x and on(a) group_left y").message, HasSubstr("no grouping"));
  EXPECT_THAT(ErrorOf("x * on(a) 2").message, HasSubstr("match two instant vectors only"));
  EXPECT_THAT(ErrorOf("x * on(a) group_left(a) y").message,
              HasSubstr("must not be both in on() and in group_left()"));
  EXPECT_THAT(ErrorOf("x[5m] + 1").message, HasSubstr("not a range vector"));
}

TEST(PromqlParser, NumbersAndStringsAreReadAsPromqlWritesThem) {
  EXPECT_EQ(Tree("0x1F")->number, 31);
  EXPECT_EQ(Tree("1.5e3")->number, 1500);
  EXPECT_EQ(Tree(".5")->number, 0.5);
  EXPECT_TRUE(std::isinf(Tree("+Inf")->number));
  EXPECT_TRUE(std::isnan(Tree("NaN")->number));
  EXPECT_EQ(Tree(R"e(label_replace(x, "a", "\u00e9\x41", "b", "(.*)"))e")->args[2]->text,
            "\xc3\xa9"
            "A");
  EXPECT_EQ(Tree(R"e(label_replace(x, "a", `\d+`, "b", "(.*)"))e")->args[2]->text, "\\d+");
  EXPECT_EQ(Canonical("x # a comment\n > 1"), "x > 1");
}

TEST(PromqlParser, MistakesAreNamedWithTheirPosition) {
  struct Case {
    const char* text;
    std::size_t offset;
    const char* message;
  };
  const Case cases[] = {
      {"rate(x[5m]", 10, "expected \",\" or \")\""},
      {"x{a=\"b\"", 7, "expected \",\" or \"}\""},
      {"x{a~\"b\"}", 3, "unexpected character \"~\""},
      {"x{a=b}", 4, "expected a quoted string"},
      {"x[5]", 2, "invalid range \"5\": write it like 5m"},
      {"x[]", 2, "expected a range such as 5m"},
      {"x[5m:1m]", 4, "subqueries are not supported"},
      {"x @ 100", 2, "the @ modifier is not supported"},
      {"x offset 5m[5m]", 11, "the range goes before offset"},
      {"(x + 1)[5m]", 7, "a range applies to a selector"},
      {"{}", 0, "a selector needs a metric name"},
      {"{a=~\".*\"}", 0, "a selector needs a metric name"},
      {"x{a=~\"(\"}", 5, "missing )"},
      {"x{__name__=\"y\"}", 2, "the metric name is given twice"},
      {"x y", 2, "unexpected \"y\" after the expression"},
      {"sum", 0, "unexpected \"sum\" where an expression belongs"},
      {"1 +", 3, "expected an expression, found the end of the expression"},
      {"\"unterminated", 0, "unterminated string"},
      {"x{a=\"\\q\"}", 5, "unknown escape \\q"},
      {"5x", 0, "a letter follows its digits"},
  };
  for (const Case& c : cases) {
    const ParseError error = ErrorOf(c.text);
    EXPECT_EQ(error.offset, c.offset) << c.text << ": " << error.message;
    EXPECT_THAT(error.message, HasSubstr(c.message)) << c.text;
  }
}

TEST(PromqlParser, DeepOrLongInputFailsInsteadOfExhaustingTheStack) {
  EXPECT_THAT(ErrorOf(std::string(10000, '(') + "x" + std::string(10000, ')')).message,
              HasSubstr("nests deeper than"));
  EXPECT_THAT(ErrorOf(std::string(10000, '-') + "x").message, HasSubstr("nests deeper than"));
  EXPECT_THAT(ErrorOf(std::string(kMaxExpressionBytes + 1, ' ')).message, HasSubstr("longer than"));
}

TEST(PromqlParser, FormattedTextParsesBackToTheSameText) {
  for (const char* text : {
           "sum by (job) (rate(x{a=\"b\"}[5m] offset 1m)) / on (job) group_left () count(y)",
           "-(a + b) ^ -c",
           "abs(-x) > bool 0 unless on (i) z",
           "histogram_quantile(0.99, sum by (le) (rate(h_bucket[5m])))",
           "absent_over_time(up{job=\"x\"}[10m]) or vector(0)",
           "quantile_over_time(0.5, x[1d]) - avg_over_time(x[1d] offset 1w)",
           R"e(label_replace(up, "host", "$1", "instance", "(.*):\\d+"))e",
       }) {
    const std::string once = Canonical(text);
    ASSERT_THAT(once, ::testing::Not(HasSubstr("error at"))) << text;
    EXPECT_EQ(Canonical(once), once) << text;
  }
}

}  // namespace
}  // namespace vigil::alerting::promql
