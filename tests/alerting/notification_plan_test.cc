#include "alerting/notification_plan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace vigil::alerting {
namespace {

using std::chrono::minutes;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

const auto kStart = std::chrono::system_clock::time_point(std::chrono::hours(500000));

LabelMatcher M(const std::string& name, MatchOp op, const std::string& value) {
  return *LabelMatcher::Make(name, op, value);
}

// oncall for everything; acme's critical and high also page pd (continue), and acme's db team
// gets its own route with an escalation; globex goes to chat without resolved messages.
Route Tree() {
  Route root;
  root.receiver = "oncall";
  root.repeat_interval = minutes(60);
  Route acme_urgent;
  acme_urgent.matchers = {M("customer", MatchOp::kEqual, "acme"),
                          M("severity", MatchOp::kRegexMatch, "critical|high")};
  acme_urgent.receiver = "pd";
  acme_urgent.continue_matching = true;
  Route acme_db;
  acme_db.matchers = {M("customer", MatchOp::kEqual, "acme"), M("team", MatchOp::kEqual, "db")};
  acme_db.receiver = "db-oncall";
  acme_db.escalate = {{minutes(15), "db-lead"}, {minutes(45), "cto"}};
  Route globex;
  globex.matchers = {M("customer", MatchOp::kEqual, "globex")};
  globex.receiver = "chat";
  globex.send_resolved = false;
  globex.repeat_interval = std::chrono::milliseconds(0);
  root.routes = {acme_urgent, acme_db, globex};
  return root;
}

IncidentNotifyState Incident(Labels labels) {
  IncidentNotifyState incident;
  incident.labels = Normalized(std::move(labels));
  incident.started = kStart;
  return incident;
}

std::vector<std::string> Receivers(const std::vector<PlannedNotification>& planned) {
  std::vector<std::string> out;
  for (const auto& p : planned)
    out.push_back(p.receiver + ":" + std::string(NotifyEventName(p.event)));
  return out;
}

TEST(MatchRoutes, TheDeepestMatchingRoutesWinAndContinueTriesTheNextSibling) {
  const Route tree = Tree();
  auto routes = [&](Labels labels) {
    std::vector<std::string> out;
    for (const RouteMatch& match : MatchRoutes(tree, Normalized(labels)))
      out.push_back(match.receiver);
    return out;
  };
  EXPECT_THAT(routes({{"customer", "initech"}}), ElementsAre("oncall"));
  EXPECT_THAT(routes({{"customer", "acme"}, {"severity", "high"}}), ElementsAre("pd"));
  EXPECT_THAT(routes({{"customer", "acme"}, {"severity", "critical"}, {"team", "db"}}),
              ElementsAre("pd", "db-oncall"));
  EXPECT_THAT(routes({{"customer", "acme"}, {"severity", "low"}, {"team", "db"}}),
              ElementsAre("db-oncall"));
  const auto globex = MatchRoutes(tree, {{"customer", "globex"}});
  EXPECT_FALSE(globex[0].send_resolved);
  EXPECT_EQ(MatchRoutes(tree, {{"customer", "acme"}, {"severity", "high"}})[0].repeat_interval,
            minutes(60));  // inherited
}

// Alertmanager's fan-out: children without matchers match everything, and `continue` lets each
// of them be told.
TEST(MatchRoutes, ChildrenWithoutMatchersMatchEverythingAndFanOutWithContinue) {
  Route root;
  root.receiver = "fallback";
  Route chat;
  chat.receiver = "chat";
  chat.continue_matching = true;
  Route pager;
  pager.receiver = "pager";
  Route never;  // after a match without continue, later siblings are not tried
  never.receiver = "never";
  root.routes = {chat, pager, never};
  std::vector<std::string> told;
  for (const RouteMatch& match : MatchRoutes(root, Normalized({{"customer", "initech"}})))
    told.push_back(match.receiver);
  EXPECT_THAT(told, ElementsAre("chat", "pager"));
}

TEST(NotificationPlanner, FiredGoesToEveryMatchedReceiverOnceAndAckAndResolveToThoseTold) {
  const NotificationPlanner planner(Tree());
  IncidentNotifyState incident =
      Incident({{"customer", "acme"}, {"severity", "critical"}, {"team", "db"}});
  EXPECT_THAT(Receivers(planner.OnEvent(incident, NotifyEvent::kFired, kStart)),
              ElementsAre("pd:fired", "db-oncall:fired"));
  EXPECT_THAT(Receivers(planner.OnEvent(incident, NotifyEvent::kAcknowledged, kStart + minutes(5))),
              ElementsAre("db-oncall:acknowledged", "pd:acknowledged"));
  EXPECT_THAT(Receivers(planner.OnEvent(incident, NotifyEvent::kResolved, kStart + minutes(9))),
              ElementsAre("db-oncall:resolved", "pd:resolved"));
}

TEST(NotificationPlanner, SendResolvedFalseKeepsResolvedMessagesAway) {
  const NotificationPlanner planner(Tree());
  IncidentNotifyState incident = Incident({{"customer", "globex"}});
  EXPECT_THAT(Receivers(planner.OnEvent(incident, NotifyEvent::kFired, kStart)),
              ElementsAre("chat:fired"));
  EXPECT_THAT(planner.OnEvent(incident, NotifyEvent::kResolved, kStart), IsEmpty());
}

TEST(NotificationPlanner, EscalatesOncePerStepWhileUnacknowledged) {
  const NotificationPlanner planner(Tree());
  IncidentNotifyState incident = Incident({{"customer", "acme"}, {"team", "db"}});
  planner.OnEvent(incident, NotifyEvent::kFired, kStart);
  EXPECT_EQ(planner.NextDue(incident), kStart + minutes(15));
  EXPECT_THAT(planner.Due(incident, kStart + minutes(14)), IsEmpty());
  EXPECT_THAT(Receivers(planner.Due(incident, kStart + minutes(15))),
              ElementsAre("db-lead:escalated"));
  EXPECT_THAT(planner.Due(incident, kStart + minutes(16)), IsEmpty());
  EXPECT_EQ(planner.NextDue(incident), kStart + minutes(45));
  planner.OnEvent(incident, NotifyEvent::kAcknowledged, kStart + minutes(20));
  EXPECT_THAT(planner.Due(incident, kStart + minutes(50)), IsEmpty());  // acknowledged: no more
  EXPECT_FALSE(planner.NextDue(incident).has_value());
}

TEST(NotificationPlanner, RemindsEveryRepeatIntervalWhileFiringAndUnacknowledged) {
  const NotificationPlanner planner(Tree());
  IncidentNotifyState incident = Incident({{"customer", "initech"}});
  planner.OnEvent(incident, NotifyEvent::kFired, kStart);
  EXPECT_THAT(planner.Due(incident, kStart + minutes(59)), IsEmpty());
  EXPECT_THAT(Receivers(planner.Due(incident, kStart + minutes(60))),
              ElementsAre("oncall:reminder"));
  EXPECT_EQ(planner.NextDue(incident), kStart + minutes(120));
  planner.OnEvent(incident, NotifyEvent::kResolved, kStart + minutes(70));
  EXPECT_THAT(planner.Due(incident, kStart + minutes(200)), IsEmpty());
}

TEST(NotificationPlanner, ASilencedIncidentIsToldNothingUntilItsSilenceEnds) {
  const NotificationPlanner planner(Tree());
  IncidentNotifyState incident = Incident({{"customer", "initech"}});
  incident.silenced = true;
  EXPECT_THAT(planner.OnEvent(incident, NotifyEvent::kFired, kStart), IsEmpty());
  EXPECT_THAT(planner.Due(incident, kStart + minutes(90)), IsEmpty());
  incident.silenced = false;
  EXPECT_THAT(Receivers(planner.OnUnsilenced(incident, kStart + minutes(90))),
              ElementsAre("oncall:fired"));
  EXPECT_THAT(planner.OnUnsilenced(incident, kStart + minutes(91)), IsEmpty());
}

TEST(NotificationPlanner, WithoutARouteNothingIsNotified) {
  const NotificationPlanner planner(std::nullopt);
  IncidentNotifyState incident = Incident({{"customer", "acme"}});
  EXPECT_THAT(planner.OnEvent(incident, NotifyEvent::kFired, kStart), IsEmpty());
}

}  // namespace
}  // namespace vigil::alerting
