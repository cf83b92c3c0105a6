#include "collector/sla/sla_watch.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "collector/reports/fault_report_book.h"
#include "tests/support/fake_store.h"
#include "tests/support/manual_clock.h"

namespace vigil::collector {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using ::testing::HasSubstr;

SlaSetup OneHourResponse() {
  SlaTarget target;
  target.kind = "fault";
  target.response = hours(1);
  target.resolution = hours(4);
  target.calendar_name = "24x7";
  target.calendar = std::make_shared<const BusinessCalendar>(BusinessCalendar::Always());
  SlaPolicy policy;
  policy.customer = "*";
  policy.pause_statuses = {"pending_customer"};
  policy.at_risk = 0.75;
  policy.targets = {target};
  SlaSetup setup;
  setup.policies = {policy};
  return setup;
}

class SlaWatchTest : public ::testing::Test {
 protected:
  SlaWatchTest()
      : store_(std::make_unique<testing::FakeStore>()),
        book_(*store_, clock_),
        engine_(*store_, clock_, OneHourResponse()) {}

  std::string Open() {
    ReportFields fields;
    fields.customer = "acme";
    fields.title = "VPN down";
    auto report = book_.Create(fields, std::nullopt, "user ann", std::nullopt);
    EXPECT_TRUE(report.ok());
    return report->id;
  }
  std::vector<std::string> SlaNotes(const std::string& id) {
    std::vector<std::string> notes;
    auto report = book_.Get(id);
    if (!report.ok()) return notes;
    const FaultReportRecord record = *report;
    for (const ReportHistoryEntry& entry : record.history) {
      if (entry.actor == "system") notes.push_back(entry.note);
    }
    return notes;
  }
  int Check(SlaWatch& watch) {
    auto raised = watch.Check(clock_.Now());
    EXPECT_TRUE(raised.ok()) << raised.error().message;
    return raised.ok() ? *raised : -1;
  }

  testing::ManualClock clock_;
  std::unique_ptr<Store> store_;
  FaultReportBook book_;
  SlaEngine engine_;
};

TEST_F(SlaWatchTest, AtRiskAndBreachAreEachNotedOnceEvenAfterARestart) {
  const std::string id = Open();
  SlaWatch watch(*store_, engine_, nullptr);
  clock_.Advance(minutes(44));
  EXPECT_EQ(Check(watch), 0);  // 73% of the response target
  clock_.Advance(minutes(1));
  EXPECT_EQ(Check(watch), 1);  // 75%
  EXPECT_EQ(Check(watch), 0);
  clock_.Advance(minutes(16));
  EXPECT_EQ(Check(watch), 1);  // past the hour
  SlaWatch restarted(*store_, engine_, nullptr);
  EXPECT_EQ(Check(restarted), 0);

  const auto notes = SlaNotes(id);
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_THAT(notes[0], HasSubstr("SLA response at risk: 1h target"));
  EXPECT_THAT(notes[1], HasSubstr("SLA response target breached"));
}

TEST_F(SlaWatchTest, ItemsAtRiskAreCountedUntilTheyBreach) {
  Open();
  Open();
  SlaWatch watch(*store_, engine_, nullptr);
  Check(watch);
  EXPECT_TRUE(watch.AtRisk().empty());
  clock_.Advance(minutes(50));
  Check(watch);
  const std::vector<SlaAtRisk> at_risk = watch.AtRisk();
  ASSERT_EQ(at_risk.size(), 1u);
  EXPECT_EQ(at_risk[0].customer, "acme");
  EXPECT_EQ(at_risk[0].kind, "fault");
  EXPECT_EQ(at_risk[0].target, "response");
  EXPECT_EQ(at_risk[0].items, 2);
  clock_.Advance(minutes(20));  // breached: no longer at risk
  Check(watch);
  EXPECT_TRUE(watch.AtRisk().empty());
}

TEST_F(SlaWatchTest, ABreachSeenFirstDoesNotWarnOfTheRiskAfterwards) {
  const std::string id = Open();
  SlaWatch watch(*store_, engine_, nullptr);
  clock_.Advance(minutes(90));
  EXPECT_EQ(Check(watch), 1);
  EXPECT_EQ(SlaNotes(id).size(), 1u);
  EXPECT_THAT(SlaNotes(id)[0], HasSubstr("breached"));
  auto counts = store_->sla_events().CountSlaEvents();
  ASSERT_TRUE(counts.ok());
  ASSERT_EQ(counts->size(), 2u);  // the breach, and the at-risk mark that keeps it quiet
}

TEST_F(SlaWatchTest, APausedOrAnsweredClockDoesNotEscalate) {
  const std::string id = Open();
  SlaWatch watch(*store_, engine_, nullptr);
  clock_.Advance(minutes(10));
  ASSERT_TRUE(book_.Transition(id, "in_progress", {}, "", "user ann", std::nullopt).ok());
  ASSERT_TRUE(book_.Transition(id, "pending_customer", {}, "", "user ann", std::nullopt).ok());
  clock_.Advance(hours(10));  // waiting on the customer: the resolution clock is held
  EXPECT_EQ(Check(watch), 0);
  EXPECT_TRUE(SlaNotes(id).empty());
  ASSERT_TRUE(book_.Transition(id, "in_progress", {}, "", "user ann", std::nullopt).ok());
  clock_.Advance(minutes(170));  // 10m + 170m = 3h of 4h used: at risk
  EXPECT_EQ(Check(watch), 1);
  EXPECT_THAT(SlaNotes(id).back(), HasSubstr("SLA resolution at risk"));
}

}  // namespace
}  // namespace vigil::collector
