#include "agent/collectors/textfile.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/exposition_parser.h"
#include "tests/support/temp_dir.h"

namespace vigil::agent {
namespace {

using ::testing::HasSubstr;

TEST(ParseTextfile, ReadsFamiliesWithTheirTypesHelpAndEscapedLabels) {
  auto families = ParseTextfile(
      "# HELP jobs_total Jobs run.\n# TYPE jobs_total counter\njobs_total{queue=\"a\\\"b\"} 7\n"
      "pending 3\nratio{x=\"1\"} NaN\n",
      "/var/lib/t/jobs.prom");
  ASSERT_TRUE(families.ok()) << families.error().message;
  auto scrape = testing::RenderAndParse(*families);
  EXPECT_EQ(scrape.Value("jobs_total", {{"queue", "a\"b"}}), 7);
  EXPECT_EQ(scrape.types.at("jobs_total"), "counter");
  EXPECT_EQ(scrape.types.at("pending"), "untyped");
  EXPECT_EQ((*families)[1].help(), "Metric read from /var/lib/t/jobs.prom");
}

TEST(ParseTextfile, TheHelpOfAMetricNamedLikeAPieceOfHelpIsItsOwn) {
  auto families =
      ParseTextfile("# HELP E Errors seen.\n# HELP LP Lines printed.\nE 1\nLP 2\n", "f.prom");
  ASSERT_TRUE(families.ok()) << families.error().message;
  ASSERT_EQ(families->size(), 2u);
  EXPECT_EQ((*families)[0].help(), "Errors seen.");
  EXPECT_EQ((*families)[1].help(), "Lines printed.");
}

TEST(ParseTextfile, RejectsWhatItCannotCarryWithTheLine) {
  const std::pair<const char*, const char*> cases[] = {
      {"ok 1\nbad-name 1\n", "line 2: invalid metric name"},
      {"x{a=1} 1\n", "value must be quoted"},
      {"x 1 1700000000000\n", "timestamps are not supported"},
      {"# TYPE h histogram\nh_bucket{le=\"1\"} 1\n", "histogram"},
      {"x{a=\"1\"} 1\nx{a=\"1\"} 2\n", "second sample of the same series"},
      {"x one\n", "bad value"},
      {"x -NaN\n", "bad value \"-NaN\""},
      {"x 1\n# TYPE x gauge\n", "TYPE for x after its samples"},
      {"ok 1\nx{site=\"caf\xe9\"} 1\n", "line 2: label site: value is not valid UTF-8"},
      {"# HELP x caf\xe9 count\nx 1\n", "line 1: HELP of x is not valid UTF-8"},
      {"x{a=\"1\",a=\"2\"} 1\n", "label a given twice"},
      {"x{a=\"C:\\temp\"} 1\n", "label a: invalid escape \\t"},
      {"# HELP x \\ leading\nx 1\n", "line 1: invalid escape \\  in HELP"},
      {"# HELP x ends \\\nx 1\n", "HELP ends in a lone \\"},
  };
  for (const auto& [text, problem] : cases) {
    auto families = ParseTextfile(text, "f.prom");
    ASSERT_FALSE(families.ok()) << text;
    EXPECT_THAT(families.error().message, HasSubstr(problem)) << text;
  }
}

TEST(TextfileCollector, SkipsABadFileAndForwardsTheRest) {
  testing::TempDir dir;
  dir.Write("good.prom", "backup_ok 1\n");
  dir.Write("bad.prom", "backup_ok{ 1\n");
  dir.Write("ignored.txt", "not_read 1\n");
  auto collector = MakeTextfileCollector(dir.path().string());
  auto families = collector->Collect();
  ASSERT_TRUE(families.ok());
  auto scrape = testing::RenderAndParse(*families);
  EXPECT_EQ(scrape.Value("backup_ok"), 1);
  EXPECT_TRUE(scrape.Find("not_read").empty());
  EXPECT_EQ(scrape.Value("node_textfile_scrape_error"), 1);
  EXPECT_EQ(scrape.Find("node_textfile_mtime_seconds").size(), 1u);
  EXPECT_EQ(scrape.Value("vigil_agent_textfile_errors_total"), 1);
}

TEST(TextfileCollector, MergesAFamilySpreadOverFilesAndRejectsATypeClash) {
  testing::TempDir dir;
  dir.Write("a.prom", "# TYPE runs_total counter\nruns_total{job=\"a\"} 1\n");
  dir.Write("b.prom", "# TYPE runs_total counter\nruns_total{job=\"b\"} 2\n");
  dir.Write("c.prom", "# TYPE runs_total gauge\nruns_total{job=\"c\"} 3\n");
  auto families = MakeTextfileCollector(dir.path().string())->Collect();
  auto scrape = testing::RenderAndParse(*families);
  EXPECT_EQ(scrape.Find("runs_total").size(), 2u);
  EXPECT_EQ(scrape.Value("node_textfile_scrape_error"), 1);
}

TEST(TextfileCollector, AMissingFolderIsAnErrorNotAFailure) {
  auto families = MakeTextfileCollector("/nonexistent/textfiles")->Collect();
  ASSERT_TRUE(families.ok());
  EXPECT_EQ(testing::RenderAndParse(*families).Value("node_textfile_scrape_error"), 1);
}

}  // namespace
}  // namespace vigil::agent
