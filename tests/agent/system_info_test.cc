#include "agent/collectors/system_info.h"

#include <gtest/gtest.h>

#include "tests/support/exposition_parser.h"

namespace vigil::agent {
namespace {

TEST(OsRelease, UnquotesValuesAndIgnoresComments) {
  auto release = ParseOsRelease(
      "# comment\nNAME=\"Vigil Linux\"\nPRETTY_NAME=\"Vigil \\\"Q\\\"\"\nID=vigil\n"
      "BUILD_ID='2026-11-27'\nVERSION_ID=\"22.04.3\"\n");
  EXPECT_EQ(release["NAME"], "Vigil Linux");
  EXPECT_EQ(release["PRETTY_NAME"], "Vigil \"Q\"");
  EXPECT_EQ(release["BUILD_ID"], "2026-11-27");
  auto scrape = testing::RenderAndParse(OsFamilies(release));
  EXPECT_EQ(scrape.Find("node_os_info", {{"id", "vigil"}, {"version_id", "22.04.3"}}).size(), 1u);
  EXPECT_EQ(scrape.Value("node_os_version", {{"id", "vigil"}}), 22.04);
}

TEST(OsRelease, NoVersionIdMeansNoVersionMetric) {
  auto scrape = testing::RenderAndParse(OsFamilies(ParseOsRelease("NAME=Sid\nID=debian\n")));
  EXPECT_EQ(scrape.Find("node_os_info").size(), 1u);
  EXPECT_TRUE(scrape.Find("node_os_version").empty());
}

TEST(TimeFamilies, ReportsTimeAndZoneOffset) {
  const auto now =
      std::chrono::system_clock::time_point(std::chrono::milliseconds(1'700'000'000'500));
  auto scrape = testing::RenderAndParse(TimeFamilies(now, {"CET", 3600}));
  EXPECT_EQ(scrape.Value("node_time_seconds"), 1700000000.5);
  EXPECT_EQ(scrape.Value("node_time_zone_offset_seconds", {{"time_zone", "CET"}}), 3600);
}

}  // namespace
}  // namespace vigil::agent
