#include "common/csv.h"

#include <gtest/gtest.h>

namespace vigil {
namespace {

TEST(CsvCell, LeavesPlainTextAndNumbersAsTheyAre) {
  EXPECT_EQ(CsvCell("disk full"), "disk full");
  EXPECT_EQ(CsvCell(""), "");
  EXPECT_EQ(CsvCell("-1.5"), "-1.5");
  EXPECT_EQ(CsvCell("+3e-05"), "+3e-05");
  EXPECT_EQ(CsvCell("-"), "-");
  EXPECT_EQ(CsvCell("a=b"), "a=b");
}

TEST(CsvCell, QuotesCommasQuotesAndLineBreaks) {
  EXPECT_EQ(CsvCell("a, b"), "\"a, b\"");
  EXPECT_EQ(CsvCell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvCell("two\nlines"), "\"two\nlines\"");
}

// Item 4 of the outside attack: text that a spreadsheet takes for a formula ran when a manager
// opened the SLA report.
TEST(CsvCell, TextThatStartsLikeAFormulaIsShownAsText) {
  EXPECT_EQ(CsvCell("=HYPERLINK(\"http://evil\",\"x\")"),
            "\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\"");
  EXPECT_EQ(CsvCell("@SUM(A1:A9)"), "\"'@SUM(A1:A9)\"");
  EXPECT_EQ(CsvCell("+cmd|' /C calc'!A0"), "\"'+cmd|' /C calc'!A0\"");
  EXPECT_EQ(CsvCell("-2+3+cmd|' /C calc'!A0"), "\"'-2+3+cmd|' /C calc'!A0\"");
  EXPECT_EQ(CsvCell("\t=1+1"), "\"'\t=1+1\"");
  EXPECT_EQ(CsvCell("\r=1+1"), "\"'\r=1+1\"");
  EXPECT_EQ(CsvCell("  =1+1"), "\"'  =1+1\"");
  // Full-width signs, which spreadsheets in CJK locales may read as the ASCII ones.
  EXPECT_EQ(CsvCell("\xEF\xBC\x9D"
                    "1+1"),
            "\"'\xEF\xBC\x9D"
            "1+1\"");
  EXPECT_EQ(CsvCell("\xEF\xBC\xA0"
                    "SUM(1)"),
            "\"'\xEF\xBC\xA0"
            "SUM(1)\"");
}

}  // namespace
}  // namespace vigil
