#include "alerting/expr.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

namespace vigil::alerting {
namespace {

using ::testing::HasSubstr;

Expr Parsed(std::string_view text) {
  auto result = ParseExpr(text);
  if (auto* error = std::get_if<ExprError>(&result)) {
    ADD_FAILURE() << "\"" << text << "\" at " << error->offset << ": " << error->message;
    return {};
  }
  return std::get<Expr>(std::move(result));
}

ExprError Failed(std::string_view text) {
  auto result = ParseExpr(text);
  if (auto* error = std::get_if<ExprError>(&result)) return *error;
  ADD_FAILURE() << "\"" << text << "\" parsed, but should not have";
  return {};
}

TEST(ParseExpr, ReadsAPlainSelectorComparedWithANumber) {
  const Expr expr = Parsed("node_load1 > 4");
  EXPECT_EQ(expr.metric, "node_load1");
  EXPECT_TRUE(expr.matchers.empty());
  EXPECT_EQ(expr.function, RangeFunction::kNone);
  EXPECT_EQ(expr.comparison, Comparison::kGreater);
  EXPECT_EQ(expr.threshold, 4);
}

TEST(ParseExpr, ReadsEveryMatcherOperatorAndQuoteStyle) {
  const Expr expr = Parsed(
      R"(node_filesystem_avail_bytes{mountpoint="/", fstype!='tmpfs', device=~`sd.*`, job!~"x|y",} <= 1e9)");
  ASSERT_EQ(expr.matchers.size(), 4u);
  EXPECT_EQ(expr.matchers[0].ToString(), R"(mountpoint="/")");
  EXPECT_EQ(expr.matchers[1].ToString(), R"(fstype!="tmpfs")");
  EXPECT_EQ(expr.matchers[2].ToString(), R"(device=~"sd.*")");
  EXPECT_EQ(expr.matchers[3].ToString(), R"(job!~"x|y")");
  EXPECT_EQ(expr.comparison, Comparison::kLessEqual);
  EXPECT_EQ(expr.threshold, 1e9);
}

TEST(ParseExpr, ReadsEachRangeFunctionWithItsRange) {
  const Expr rate = Parsed(R"(rate(node_cpu_seconds_total{mode="idle"}[5m]) < 0.1)");
  EXPECT_EQ(rate.function, RangeFunction::kRate);
  EXPECT_EQ(rate.range, std::chrono::minutes(5));
  EXPECT_EQ(Parsed("increase(x[1h30m]) >= 3").function, RangeFunction::kIncrease);
  EXPECT_EQ(Parsed("avg_over_time(x[30s]) == 1").function, RangeFunction::kAvgOverTime);
  EXPECT_EQ(Parsed("min_over_time( x [10s] ) != 0").function, RangeFunction::kMinOverTime);
  EXPECT_EQ(Parsed("max_over_time(x[1d]) > -2.5").threshold, -2.5);
}

TEST(ParseExpr, TakesTheNameFromANameMatcherAndUnderstandsSpecialNumbers) {
  EXPECT_EQ(Parsed(R"({__name__="up", job="node"} == 0)").metric, "up");
  EXPECT_TRUE(std::isinf(Parsed("x < +Inf").threshold));
  EXPECT_TRUE(std::isnan(Parsed("x != NaN").threshold));
  EXPECT_EQ(Parsed("x > .5").threshold, 0.5);
  EXPECT_EQ(Parsed("x:rate5m > 1 # a comment").metric, "x:rate5m");
}

TEST(ParseExpr, DecodesEscapesInStrings) {
  const Expr expr = Parsed(R"(x{a="q\"\\\n\u00e9\x41"} > 0)");
  EXPECT_EQ(expr.matchers[0].value(),
            "q\"\\\n\xc3\xa9"
            "A");
}

TEST(ParseExpr, CanonicalTextReadsBackTheSame) {
  for (const char* text : {R"(rate(node_cpu_seconds_total{mode="idle", cpu=~"1|2"}[5m]) < 0.1)",
                           "node_load1 > 4", R"(avg_over_time(x{a!~"b"}[90s]) >= 1e+21)"}) {
    const Expr expr = Parsed(text);
    const Expr again = Parsed(expr.ToString());
    EXPECT_EQ(again.ToString(), expr.ToString()) << text;
  }
  EXPECT_EQ(Parsed("rate(x[90s])>1").ToString(), "rate(x[1m30s]) > 1");
}

TEST(ParseExpr, ErrorsPointAtTheProblemAndSayWhatWasExpected) {
  struct Case {
    const char* text;
    std::size_t offset;
    const char* message;
  };
  const Case cases[] = {
      {"node_load1", 10, "expected a comparison (>, <, >=, <=, == or !=)"},
      {"node_load1 > ", 13, "expected a number to compare with, found the end"},
      {"node_load1 > four", 13, "expected a number to compare with, found \"four\""},
      {"node_load1 >> 4", 12, "expected a number"},
      {"sum(node_load1) > 4", 0, "unknown function \"sum\""},
      {"rate(x) > 1", 6, "rate needs a range after the selector, e.g. rate(x[5m])"},
      {"x[5m] > 1", 1, "a range like [5m] is only allowed inside rate"},
      {"rate(x[5q]) > 1", 7, "invalid range"},
      {"rate(x[0s]) > 1", 7, "longer than 0s"},
      {"rate(x[5m] > 1", 11, "expected \")\" to close rate("},
      {"x{a=\"b} > 1", 4, "unterminated string"},
      {"x{a=b} > 1", 4, "expected a quoted string, found \"b}"},
      {"x{a~\"b\"} > 1", 3, "expected one of =, !=, =~, !~ after label a"},
      {"x{a=\"b\" c=\"d\"} > 1", 8, "expected \",\" or \"}\" after a matcher"},
      {"x{a=~\"(\"} > 1", 5, "invalid regular expression"},
      {"{a=\"b\"} > 1", 0, "a selector needs a metric name"},
      {"x{__name__=\"y\"} > 1", 2, "the metric name is given twice"},
      {"x > 1 and y > 2", 6, "unexpected \"and\" after the expression"},
      {"x > bool 1", 4, "the bool modifier is not supported"},
      {"x{a=\"\\q\"} > 1", 5, "unknown escape \\q"},
      {"", 0, "expected a metric name"},
      {"x{1a=\"b\"} > 0", 2, "expected a label name or \"}\""},
  };
  for (const Case& c : cases) {
    const ExprError error = Failed(c.text);
    EXPECT_EQ(error.offset, c.offset) << c.text << ": " << error.message;
    EXPECT_THAT(error.message, HasSubstr(c.message)) << c.text;
  }
}

TEST(ParseExpr, RefusesOversizedExpressions) {
  EXPECT_THAT(Failed("x > " + std::string(kMaxExprBytes, '1')).message, HasSubstr("longer than"));
}

TEST(LabelMatcher, RegexesMatchTheWholeValueAndAbsentLabelsAreEmpty) {
  auto matcher = LabelMatcher::Make("role", MatchOp::kRegexMatch, "web|db");
  ASSERT_TRUE(matcher.ok());
  EXPECT_TRUE(matcher->Matches("web"));
  EXPECT_FALSE(matcher->Matches("webserver"));
  auto not_empty = LabelMatcher::Make("role", MatchOp::kNotEqual, "");
  EXPECT_FALSE(not_empty->Matches(Labels{{"agent", "a"}}));
  EXPECT_TRUE(not_empty->Matches(Labels{{"role", "x"}}));
  EXPECT_FALSE(LabelMatcher::Make("a", MatchOp::kRegexMatch, "a)(").ok());
}

}  // namespace
}  // namespace vigil::alerting

namespace vigil::alerting {
namespace {

TEST(ParseMatcherText, ReadsQuotedAndBareValues) {
  auto quoted = ParseMatcherText(R"(severity=~"critical|high")");
  ASSERT_TRUE(quoted.ok()) << quoted.error().message;
  EXPECT_EQ(quoted->ToString(), R"(severity=~"critical|high")");
  auto bare = ParseMatcherText("team != db");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->ToString(), R"(team!="db")");
  EXPECT_EQ(ParseMatcherText(R"(x="a\"b")")->value(), "a\"b");
  EXPECT_FALSE(ParseMatcherText("=acme").ok());
  EXPECT_FALSE(ParseMatcherText(R"(x=~"(")").ok());
  EXPECT_THAT(ParseMatcherText("customer acme").error().message, ::testing::HasSubstr("NAME="));
}

}  // namespace
}  // namespace vigil::alerting
