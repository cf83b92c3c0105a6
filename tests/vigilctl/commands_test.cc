#include "vigilctl/commands.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

namespace vigil::ctl {
namespace {

using Json = nlohmann::json;

TEST(ParseMatcher, ReadsEveryOperatorWithBareOrQuotedValues) {
  EXPECT_EQ(*ParseMatcher("customer=\"acme\""),
            (Json{{"name", "customer"}, {"op", "="}, {"value", "acme"}}));
  EXPECT_EQ((*ParseMatcher("severity=~\"critical|high\""))["op"], "=~");
  EXPECT_EQ((*ParseMatcher("agent!=web-01"))["value"], "web-01");
  EXPECT_EQ((*ParseMatcher("role!~db.*"))["op"], "!~");
  EXPECT_EQ((*ParseMatcher("x=\"a \\\"b\\\"\""))["value"], "a \"b\"");
  EXPECT_FALSE(ParseMatcher("=acme").ok());
  EXPECT_THAT(ParseMatcher("customer acme").error().message, ::testing::HasSubstr("NAME=VALUE"));
}

TEST(ParseTimeArgument, TakesRfc3339OrADurationAgo) {
  EXPECT_EQ(*ParseTimeArgument("2026-03-01T09:30:00Z", 0), "2026-03-01T09:30:00Z");
  EXPECT_EQ(*ParseTimeArgument("2h", 1772357400000 + 7'200'000), "2026-03-01T09:30:00Z");
  EXPECT_FALSE(ParseTimeArgument("yesterday", 0).ok());
}

class OutputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("TZ", "Europe/Berlin", 1);
    tzset();
  }
  void TearDown() override {
    unsetenv("TZ");
    tzset();
  }
};

TEST_F(OutputTest, TablesAlignColumnsAndShowLocalTimes) {
  const std::vector<Json> rows = {
      {{"id", "inc-1"}, {"state", "firing"}, {"started_at", "2026-03-01T09:30:00Z"}},
      {{"id", "inc-22"}, {"state", nullptr}, {"started_at", "2026-07-01T09:30:00Z"}}};
  const std::vector<Column> columns = {Field("ID", "id"), Field("STATE", "state"),
                                       Field("STARTED", "started_at", true)};
  EXPECT_EQ(RenderTable(columns, rows),
            "ID      STATE   STARTED\n"
            "inc-1   firing  2026-03-01 10:30:00\n"
            "inc-22  -       2026-07-01 11:30:00\n");
}

TEST_F(OutputTest, CsvQuotesWhatNeedsItAndKeepsApiTimes) {
  const std::vector<Json> rows = {{{"comment", "a, \"b\""}, {"ends_at", "2026-03-01T09:30:00Z"}}};
  const std::vector<Column> columns = {Field("COMMENT", "comment"), Field("ENDS", "ends_at", true)};
  EXPECT_EQ(RenderCsv(columns, rows), "COMMENT,ENDS\r\n\"a, \"\"b\"\"\",2026-03-01T09:30:00Z\r\n");
}

// Item 4 of the outside attack: every CSV Vigil writes shows formula-like text as text.
TEST_F(OutputTest, CsvShowsTextThatLooksLikeAFormulaAsText) {
  const std::vector<Json> rows = {{{"comment", "=HYPERLINK(\"http://evil\")"},
                                   {"name", "@SUM(1)"},
                                   {"value", -2.5},
                                   {"missing", nullptr}}};
  const std::vector<Column> columns = {Field("COMMENT", "comment"), Field("NAME", "name"),
                                       Field("VALUE", "value"), Field("MISSING", "missing")};
  EXPECT_EQ(
      RenderCsv(columns, rows),
      "COMMENT,NAME,VALUE,MISSING\r\n\"'=HYPERLINK(\"\"http://evil\"\")\",\"'@SUM(1)\",-2.5,-\r\n");
}

TEST_F(OutputTest, RuleForIsShownAsADuration) {
  const std::vector<Column> columns = RuleColumns();
  EXPECT_EQ(columns[3].header, "FOR");
  EXPECT_EQ(columns[3].cell(Json{{"for", 90.0}}), "1m30s");
}

}  // namespace
}  // namespace vigil::ctl
