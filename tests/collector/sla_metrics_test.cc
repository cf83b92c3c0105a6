#include "collector/sla/sla_metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "collector/ingest/metrics_text.h"
#include "collector/reports/fault_report_book.h"
#include "common/time_format.h"
#include "tests/support/exposition_parser.h"
#include "tests/support/fake_store.h"
#include "tests/support/manual_clock.h"

namespace vigil::collector {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

SlaSetup FaultTargets() {
  SlaTarget target;
  target.kind = "fault";
  target.response = hours(1);
  target.resolution = hours(4);
  target.calendar_name = "24x7";
  target.calendar = std::make_shared<const BusinessCalendar>(BusinessCalendar::Always());
  SlaPolicy policy;
  policy.customer = "*";
  policy.targets = {target};
  SlaSetup setup;
  setup.policies = {policy};
  return setup;
}

TimePoint At(const char* text) { return TimePoint(std::chrono::milliseconds(*ParseRfc3339(text))); }

class SlaMetricsTest : public ::testing::Test {
 protected:
  SlaMetricsTest()
      : clock_(At("2026-11-20T12:00:00Z")),
        store_(std::make_unique<testing::FakeStore>()),
        book_(*store_, clock_),
        engine_(*store_, clock_, FaultTargets()),
        metrics_(*store_, engine_, clock_) {}

  std::string Open(const char* at, const char* customer = "acme") {
    ReportFields fields;
    fields.customer = customer;
    fields.title = "t";
    fields.severity = "high";
    auto report = book_.Create(fields, std::nullopt, "user ann", *ParseRfc3339(at));
    EXPECT_TRUE(report.ok()) << report.error().message;
    return report->id;
  }
  void Move(const std::string& id, const char* to, const char* at) {
    auto moved = book_.Transition(id, to, {}, "", "user ann", *ParseRfc3339(at));
    ASSERT_TRUE(moved.ok()) << moved.error().message;
  }

  testing::ParsedExposition Scrape() {
    return testing::ParseExposition(RenderText(metrics_.Collect()));
  }

  testing::ManualClock clock_;
  std::unique_ptr<Store> store_;
  FaultReportBook book_;
  SlaEngine engine_;
  SlaMetrics metrics_;
};

TEST_F(SlaMetricsTest, RatiosHistogramsAndSatisfactionCoverTheCurrentMonth) {
  // Last month's late report is not in November's figures.
  const std::string october = Open("2026-10-30T08:00:00Z");
  Move(october, "resolved", "2026-10-30T18:00:00Z");
  // November: one on time (answered in 30m, resolved in 2h), one late on both counts.
  const std::string quick = Open("2026-11-02T08:00:00Z");
  Move(quick, "in_progress", "2026-11-02T08:30:00Z");
  Move(quick, "resolved", "2026-11-02T10:00:00Z");
  const std::string slow = Open("2026-11-03T08:00:00Z");
  Move(slow, "in_progress", "2026-11-03T10:00:00Z");
  Move(slow, "resolved", "2026-11-03T20:00:00Z");
  ASSERT_TRUE(book_.Rate(quick, 5, "", "user ann", *ParseRfc3339("2026-11-04T08:00:00Z")).ok());
  ASSERT_TRUE(book_.Rate(october, 2, "", "user ann", *ParseRfc3339("2026-10-31T08:00:00Z")).ok());
  Open("2026-11-20T11:00:00Z", "globex");  // open, new

  const testing::ParsedExposition scraped = Scrape();
  const std::map<std::string, std::string> acme = {
      {"customer", "acme"}, {"kind", "fault"}, {"severity", "high"}};
  auto with = [&](std::string name, std::string value) {
    auto labels = acme;
    labels[std::move(name)] = std::move(value);
    return labels;
  };
  EXPECT_EQ(scraped.Value("vigil_sla_on_time_ratio", with("target", "response")), 0.5);
  EXPECT_EQ(scraped.Value("vigil_sla_on_time_ratio", with("target", "resolution")), 0.5);
  EXPECT_EQ(scraped.Value("vigil_sla_response_business_seconds_count", acme), 2);
  EXPECT_EQ(scraped.Value("vigil_sla_response_business_seconds_sum", acme), 1800 + 7200);
  EXPECT_EQ(scraped.Value("vigil_sla_response_business_seconds_bucket", with("le", "1800")), 1);
  EXPECT_EQ(scraped.Value("vigil_sla_resolution_business_seconds_bucket", with("le", "+Inf")), 2);
  EXPECT_EQ(scraped.Value("vigil_customer_satisfaction_score", {{"customer", "acme"}}), 5);
  EXPECT_EQ(
      scraped.Value(
          "vigil_fault_reports_open",
          {{"customer", "globex"}, {"kind", "fault"}, {"severity", "high"}, {"status", "new"}}),
      1);
  EXPECT_FALSE(scraped.Value("vigil_fault_reports_open", with("status", "resolved")).has_value());
}

TEST(MonthStartTest, IsMidnightUtcOnTheFirst) {
  EXPECT_EQ(FormatRfc3339(ToUnixMillis(MonthStart(At("2026-03-31T23:59:59Z")))),
            "2026-03-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(ToUnixMillis(MonthStart(At("2026-12-01T00:00:00Z")))),
            "2026-12-01T00:00:00Z");
}

}  // namespace
}  // namespace vigil::collector
