#include "collector/reports/fault_report_book.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/fake_store.h"
#include "tests/support/manual_clock.h"

namespace vigil::collector {
namespace {

using ::testing::HasSubstr;

const std::vector<std::string> kStatuses = {
    "new", "assigned", "in_progress", "pending_customer", "resolved", "closed"};

class FaultReportBookTest : public ::testing::Test {
 protected:
  FaultReportBookTest() : store_(std::make_unique<testing::FakeStore>()), book_(*store_, clock_) {}

  FaultReportRecord Open() {
    ReportFields fields;
    fields.customer = "acme";
    fields.title = "checkout slow";
    fields.kind = "complaint";
    auto report = book_.Create(fields, std::nullopt, "user ann", std::nullopt);
    EXPECT_TRUE(report.ok()) << report.error().message;
    return *report;
  }

  // A report brought to `status` by allowed transitions, with root cause and resolution set.
  FaultReportRecord At(const std::string& status) {
    const std::map<std::string, std::vector<std::string>> paths = {
        {"new", {}},
        {"assigned", {"assigned"}},
        {"in_progress", {"in_progress"}},
        {"pending_customer", {"in_progress", "pending_customer"}},
        {"resolved", {"resolved"}},
        {"closed", {"resolved", "closed"}}};
    FaultReportRecord report = Open();
    ReportFields fields;
    fields.root_cause = "disk full";
    fields.resolution = "rotated logs";
    for (const std::string& step : paths.at(status)) {
      clock_.Advance(std::chrono::minutes(1));
      report = *book_.Transition(report.id, step, fields, "", "user ann", std::nullopt);
    }
    return report;
  }

  testing::ManualClock clock_;
  std::unique_ptr<Store> store_;
  FaultReportBook book_;
};

TEST_F(FaultReportBookTest, EveryAllowedTransitionWorksAndEveryOtherIsAConflict) {
  const std::set<std::pair<std::string, std::string>> allowed = {
      {"new", "assigned"},
      {"new", "in_progress"},
      {"new", "resolved"},
      {"assigned", "in_progress"},
      {"assigned", "pending_customer"},
      {"assigned", "resolved"},
      {"in_progress", "pending_customer"},
      {"in_progress", "resolved"},
      {"pending_customer", "in_progress"},
      {"pending_customer", "resolved"},
      {"resolved", "closed"},
      {"resolved", "in_progress"},
      {"closed", "in_progress"}};
  ReportFields fields;
  fields.root_cause = "cause";
  fields.resolution = "fix";
  for (const std::string& from : kStatuses) {
    for (const std::string& to : kStatuses) {
      SCOPED_TRACE(from + " -> " + to);
      const FaultReportRecord report = At(from);
      ASSERT_EQ(report.status, from);
      clock_.Advance(std::chrono::minutes(1));
      auto moved = book_.Transition(report.id, to, fields, "", "user bob", std::nullopt);
      EXPECT_EQ(TransitionAllowed(from, to), allowed.count({from, to}) > 0);
      if (allowed.count({from, to}) > 0) {
        ASSERT_TRUE(moved.ok()) << moved.error().message;
        EXPECT_EQ(moved->status, to);
        EXPECT_EQ(moved->history.back().from, from);
        EXPECT_EQ(moved->history.back().to, to);
        EXPECT_EQ(moved->history.back().actor, "user bob");
      } else {
        ASSERT_FALSE(moved.ok());
        EXPECT_EQ(moved.error().code, ErrorCode::kConflict);
        EXPECT_THAT(moved.error().message, HasSubstr("from " + from + " to " + to));
      }
    }
  }
}

TEST_F(FaultReportBookTest, ClosingNeedsRootCauseAndResolution) {
  FaultReportRecord report = Open();
  report = *book_.Transition(report.id, "resolved", {}, "", "user ann", std::nullopt);
  auto refused = book_.Transition(report.id, "closed", {}, "", "user ann", std::nullopt);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kBadRequest);
  EXPECT_THAT(refused.error().message, HasSubstr("root_cause and resolution"));
  ReportFields cause;
  cause.root_cause = "disk full";
  ASSERT_TRUE(book_.Edit(report.id, cause, "user ann", std::nullopt).ok());
  ReportFields fix;
  fix.resolution = "rotated logs";
  auto closed = book_.Transition(report.id, "closed", fix, "done", "user ann", std::nullopt);
  ASSERT_TRUE(closed.ok()) << closed.error().message;
  EXPECT_TRUE(closed->closed_ms.has_value());
}

TEST_F(FaultReportBookTest, FirstResponseStaysAndAReopenClearsTheResolution) {
  FaultReportRecord report = Open();
  clock_.Advance(std::chrono::minutes(5));
  report = *book_.Transition(report.id, "assigned", {}, "", "user ann", std::nullopt);
  EXPECT_FALSE(report.first_response_ms.has_value());  // assigning is not a response
  clock_.Advance(std::chrono::minutes(5));
  report = *book_.Transition(report.id, "in_progress", {}, "", "user ann", std::nullopt);
  const std::int64_t responded = *report.first_response_ms;
  clock_.Advance(std::chrono::minutes(5));
  report = *book_.Transition(report.id, "resolved", {}, "", "user ann", std::nullopt);
  EXPECT_TRUE(report.resolved_ms.has_value());
  clock_.Advance(std::chrono::minutes(5));
  report =
      *book_.Transition(report.id, "in_progress", {}, "customer says no", "user ann", std::nullopt);
  EXPECT_FALSE(report.resolved_ms.has_value());
  EXPECT_EQ(report.first_response_ms, responded);
  auto reread = book_.Get(report.id);
  EXPECT_EQ(reread->history.size(), 5u);
  EXPECT_EQ(reread->history.back().note, "customer says no");
}

TEST_F(FaultReportBookTest, EditsListTheirChangesAndRatingsNeedAResolvedReport) {
  FaultReportRecord report = Open();
  ReportFields edit;
  edit.severity = "high";
  edit.assignee_team = "dba";
  report = *book_.Edit(report.id, edit, "user ann", std::nullopt);
  ASSERT_EQ(report.history.back().changes.size(), 2u);
  EXPECT_EQ(report.history.back().changes.at("severity"),
            (std::pair<std::string, std::string>{"medium", "high"}));
  EXPECT_EQ(book_.Rate(report.id, 4, "", "user ann", std::nullopt).error().code,
            ErrorCode::kConflict);
  report = *book_.Transition(report.id, "resolved", {}, "", "user ann", std::nullopt);
  EXPECT_EQ(book_.Rate(report.id, 6, "", "user ann", std::nullopt).error().code,
            ErrorCode::kBadRequest);
  ASSERT_TRUE(book_.Rate(report.id, 2, "slow", "user ann", std::nullopt).ok());
  auto rated = book_.Rate(report.id, 4, "better after the call", "user ann", std::nullopt);
  EXPECT_EQ(rated->satisfaction_score, 4);
  EXPECT_EQ(rated->history.back().changes.at("satisfaction"),
            (std::pair<std::string, std::string>{"2", "4"}));
}

TEST_F(FaultReportBookTest, AtImportsInOrderAndRefusesTheFuture) {
  ReportFields fields;
  fields.customer = "acme";
  fields.title = "t";
  const std::int64_t now = ToUnixMillis(clock_.Now());
  auto report = book_.Create(fields, std::nullopt, "user ann", now - 3'600'000);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->reported_ms, now - 3'600'000);
  EXPECT_EQ(book_.Transition(report->id, "in_progress", {}, "", "u", now - 7'200'000).error().code,
            ErrorCode::kInvalidTime);
  EXPECT_EQ(book_.Transition(report->id, "in_progress", {}, "", "u", now + 1000).error().code,
            ErrorCode::kInvalidTime);
  EXPECT_TRUE(book_.Transition(report->id, "in_progress", {}, "", "u", now - 1'800'000).ok());
}

TEST_F(FaultReportBookTest, FromAnIncidentFillsTheReportAndLinksBoth) {
  IncidentRecord incident;
  incident.id = "inc-1";
  incident.fingerprint = "fp";
  incident.severity = "critical";
  incident.customer = "globex";
  incident.summary = "database down";
  incident.started_ms = ToUnixMillis(clock_.Now()) - 60'000;
  incident.updated_ms = incident.started_ms;
  ASSERT_TRUE(store_->incidents().CreateIncident(incident).ok());
  auto report = book_.Create({}, std::string("inc-1"), "user ann", std::nullopt);
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->customer, "globex");
  EXPECT_EQ(report->severity, "critical");
  EXPECT_EQ(report->symptom, "database down");
  EXPECT_EQ(report->occurred_ms, incident.started_ms);
  EXPECT_EQ(report->incidents, std::vector<std::string>{"inc-1"});
  EXPECT_EQ(*store_->fault_reports().ReportsOfIncident("inc-1"),
            std::vector<std::string>{report->id});
  EXPECT_EQ(book_.Create({}, std::string("inc-nope"), "u", std::nullopt).error().code,
            ErrorCode::kBadRequest);
}

}  // namespace
}  // namespace vigil::collector
