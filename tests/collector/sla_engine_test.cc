#include "collector/sla/sla_engine.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "collector/api/sla_json.h"
#include "collector/reports/fault_report_book.h"
#include "common/time_format.h"
#include "tests/support/fake_store.h"
#include "tests/support/manual_clock.h"

namespace vigil::collector {
namespace {

using Json = nlohmann::json;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using ::testing::HasSubstr;

std::int64_t Ms(TimePoint t) {
  return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count();
}

ReportHistoryEntry Move(const std::string& to, std::int64_t at_ms) {
  ReportHistoryEntry entry;
  entry.to = to;
  entry.from = "x";
  entry.at_ms = at_ms;
  return entry;
}

TEST(PausedSpansTest, PendingCustomerAndReopenedSpansPauseAndNotesDoNot) {
  FaultReportRecord report;
  report.status = "resolved";
  report.history = {Move("in_progress", 10), Move("pending_customer", 20), Move("in_progress", 30),
                    Move("resolved", 40),    Move("in_progress", 55),      Move("resolved", 70)};
  ReportHistoryEntry note;
  note.at_ms = 25;
  note.note = "called the customer";
  report.history.insert(report.history.begin() + 2, note);
  report.resolved_ms = 70;
  const auto spans = SlaEngine::PausedSpans(report, {"pending_customer"});
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(Ms(spans[0].first), 20);
  EXPECT_EQ(Ms(spans[0].second), 30);
  EXPECT_EQ(Ms(spans[1].first), 40);
  EXPECT_EQ(Ms(spans[1].second), 55);
}

TEST(PausedSpansTest, APauseRunsToTheResolutionOrHasNoEndWhileHeld) {
  FaultReportRecord report;
  report.status = "pending_customer";
  report.history = {Move("in_progress", 10), Move("pending_customer", 20)};
  auto spans = SlaEngine::PausedSpans(report, {"pending_customer"});
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(Ms(spans[0].first), 20);
  EXPECT_EQ(spans[0].second, TimePoint::max());

  report.history.push_back(Move("resolved", 50));
  report.status = "resolved";
  report.resolved_ms = 50;
  spans = SlaEngine::PausedSpans(report, {"pending_customer"});
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(Ms(spans[0].second), 50);

  // Without pending_customer among the policy's pause statuses nothing pauses.
  EXPECT_TRUE(SlaEngine::PausedSpans(report, {}).empty());
}

class SlaEngineTest : public ::testing::Test {
 protected:
  SlaEngineTest()
      : store_(std::make_unique<testing::FakeStore>()),
        book_(*store_, clock_),
        engine_(*store_, clock_, Policies()),
        base_(clock_.Now() - hours(24)) {}

  static SlaSetup Policies() {
    SlaTarget target;
    target.kind = "fault";
    target.severity = "high";
    target.response = hours(1);
    target.resolution = hours(4);
    target.calendar_name = "24x7";
    target.calendar = std::make_shared<const BusinessCalendar>(BusinessCalendar::Always());
    SlaPolicy policy;
    policy.customer = "acme";
    policy.calendar_name = "24x7";
    policy.pause_statuses = {"pending_customer"};
    policy.targets = {target};
    SlaSetup setup;
    setup.policies = {policy};
    return setup;
  }

  std::int64_t At(minutes offset) { return Ms(base_ + offset); }

  std::string Open(minutes offset, const std::string& kind = "fault") {
    ReportFields fields;
    fields.customer = "acme";
    fields.title = "checkout slow, \"again\"";
    fields.kind = kind;
    fields.severity = "high";
    fields.category = "database";
    auto report = book_.Create(fields, std::nullopt, "user ann", At(offset));
    EXPECT_TRUE(report.ok()) << report.error().message;
    return report->id;
  }
  void Move(const std::string& id, const std::string& to, minutes offset) {
    ReportFields fields;
    auto moved = book_.Transition(id, to, fields, "", "user ann", At(offset));
    ASSERT_TRUE(moved.ok()) << moved.error().message;
  }

  testing::ManualClock clock_;
  std::unique_ptr<Store> store_;
  FaultReportBook book_;
  SlaEngine engine_;
  TimePoint base_;
};

TEST_F(SlaEngineTest, SummaryCountsDecidedItemsAndTakesNearestRankPercentiles) {
  const std::string met = Open(minutes(0));  // answered in 30m, resolved in 2h
  Move(met, "in_progress", minutes(30));
  Move(met, "resolved", minutes(120));
  const std::string late = Open(minutes(10));  // answered in 90m, resolved in 5h
  Move(late, "in_progress", minutes(100));
  Move(late, "resolved", minutes(310));
  const std::string open = Open(minutes(20));  // answered in 10m, open past its 4h
  Move(open, "in_progress", minutes(30));
  // Opened 30 minutes before the report's end: neither target decided.
  const std::string fresh = Open(minutes(24 * 60 - 30));
  const std::string untargeted = Open(minutes(40), "consultation");
  ASSERT_TRUE(book_.Rate(met, 5, "quick", "user ann", At(minutes(200))).ok());
  ASSERT_TRUE(book_.Rate(late, 2, "", "user ann", At(minutes(400))).ok());

  auto typed = engine_.Report("acme", At(minutes(0)), Ms(clock_.Now()));
  ASSERT_TRUE(typed.ok()) << typed.error().message;
  const Json report = SlaReportJson(*typed);
  const Json& items = report["items"];
  ASSERT_EQ(items.size(), 5u);
  EXPECT_EQ(items[0]["id"], met);
  EXPECT_EQ(items[0]["response_business_seconds"], 1800);
  EXPECT_EQ(items[0]["resolution_wall_seconds"], 7200);
  EXPECT_EQ(items[0]["response_met"], true);
  EXPECT_EQ(items[0]["resolution_due"], FormatRfc3339(At(minutes(240))));
  EXPECT_EQ(items[1]["resolution_met"], false);
  EXPECT_EQ(items[2]["resolution_met"], false);  // due passed while open
  EXPECT_TRUE(items[2]["resolved_at"].is_null());
  EXPECT_EQ(items[3]["id"], untargeted);
  EXPECT_TRUE(items[3]["response_target_seconds"].is_null());
  EXPECT_TRUE(items[3]["response_met"].is_null());
  EXPECT_EQ(items[4]["id"], fresh);
  EXPECT_TRUE(items[4]["response_met"].is_null());
  EXPECT_TRUE(items[4]["resolution_met"].is_null());

  const Json& summary = report["summary"];
  ASSERT_EQ(summary.size(), 2u);  // (consultation, high) and (fault, high)
  const Json& faults = summary[1];
  EXPECT_EQ(faults["kind"], "fault");
  EXPECT_EQ(faults["count"], 4);
  EXPECT_EQ(faults["open"], 2);
  // Responses 30m, 90m, 10m: p50 is the 2nd of 3 sorted, p90 the 3rd.
  EXPECT_DOUBLE_EQ(faults["mtta_wall_seconds"]["mean"].get<double>(), (1800 + 5400 + 600) / 3.0);
  EXPECT_EQ(faults["mtta_wall_seconds"]["p50"], 1800);
  EXPECT_EQ(faults["mtta_wall_seconds"]["p90"], 5400);
  EXPECT_EQ(faults["mttr_business_seconds"]["p50"], 7200);
  EXPECT_EQ(faults["mttr_business_seconds"]["p90"], 18000);
  EXPECT_DOUBLE_EQ(faults["response_on_time_ratio"].get<double>(), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(faults["resolution_on_time_ratio"].get<double>(), 1.0 / 3.0);
  EXPECT_EQ(faults["breaches"], 3);
  EXPECT_DOUBLE_EQ(faults["satisfaction_mean"].get<double>(), 3.5);
  EXPECT_EQ(faults["satisfaction_count"], 2);
  const Json& consultations = summary[0];
  EXPECT_TRUE(consultations["response_on_time_ratio"].is_null());
  EXPECT_TRUE(consultations["mtta_business_seconds"]["mean"].is_null());

  ASSERT_EQ(report["by_category"].size(), 1u);
  EXPECT_EQ(report["by_category"][0]["count"], 5);

  const std::string csv = SlaReportCsv(*typed);
  EXPECT_THAT(csv, HasSubstr("type,id,kind,severity,category,opened_at"));
  EXPECT_THAT(csv, HasSubstr("fault_report," + met + ",fault,high,database,"));
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 6);
}

TEST_F(SlaEngineTest, PendingCustomerMovesTheDueAndAnOpenPauseHasNone) {
  const std::string id = Open(minutes(0));
  Move(id, "in_progress", minutes(10));
  Move(id, "pending_customer", minutes(60));
  auto held = book_.Get(id);
  ASSERT_TRUE(held.ok());
  Json block = SlaBlockJson(engine_.FiguresFor(*held));
  EXPECT_EQ(block["paused"], true);
  EXPECT_TRUE(block["resolution_due"].is_null());
  EXPECT_EQ(block["response_met"], true);

  Move(id, "in_progress", minutes(180));  // two hours waiting on the customer
  held = book_.Get(id);
  block = SlaBlockJson(engine_.FiguresFor(*held));
  EXPECT_EQ(block["paused"], false);
  EXPECT_EQ(block["resolution_due"], FormatRfc3339(At(minutes(240 + 120))));
}

TEST_F(SlaEngineTest, TheOverviewListsOpenItemsSoonestDueFirstAndHeldOnesLast) {
  const std::string held = Open(minutes(0));
  Move(held, "in_progress", minutes(5));
  Move(held, "pending_customer", minutes(10));
  const std::string later = Open(minutes(60));
  const std::string sooner = Open(minutes(30));
  const std::string done = Open(minutes(40));
  Move(done, "resolved", minutes(50));
  Open(minutes(70), "consultation");  // no target

  auto typed = engine_.Overview(clock_.Now());
  ASSERT_TRUE(typed.ok()) << typed.error().message;
  const Json overview = SlaOverviewJson(*typed);
  const Json& items = overview["open_items"];
  ASSERT_EQ(items.size(), 3u) << items.dump(2);
  EXPECT_EQ(items[0]["id"], sooner);
  EXPECT_EQ(items[1]["id"], later);
  EXPECT_EQ(items[2]["id"], held);
  EXPECT_EQ(items[2]["paused"], true);
  EXPECT_EQ(items[0]["resolution_due"], FormatRfc3339(At(minutes(30 + 240))));
  EXPECT_EQ(overview["policies"][0]["customer"], "acme");
  EXPECT_EQ(overview["policies"][0]["targets"][0]["resolution_seconds"], 4 * 3600);
}

TEST_F(SlaEngineTest, RefusesAnEmptyOrOverlongPeriod) {
  auto empty = engine_.Report("acme", At(minutes(10)), At(minutes(10)));
  ASSERT_FALSE(empty.ok());
  EXPECT_THAT(empty.error().message, HasSubstr("to:"));
  auto long_one = engine_.Report("acme", 0, 400LL * 24 * 3600 * 1000);
  ASSERT_FALSE(long_one.ok());
  EXPECT_THAT(long_one.error().message, HasSubstr("366 days"));
}

}  // namespace
}  // namespace vigil::collector
