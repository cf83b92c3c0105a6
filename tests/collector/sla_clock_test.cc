#include "collector/sla/sla_clock.h"

#include <gtest/gtest.h>

#include "common/time_format.h"

namespace vigil::collector {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

TimePoint At(const char* rfc3339) {
  return TimePoint(std::chrono::milliseconds(*ParseRfc3339(rfc3339)));
}

SlaTarget Target(Duration response, Duration resolution) {
  SlaTarget target;
  CalendarSpec spec;
  spec.timezone = "Europe/Berlin";
  for (int day = 0; day < 5; ++day) spec.week[day] = {*ParseWindow("09:00-18:00")};
  target.calendar = std::make_shared<const BusinessCalendar>(*BusinessCalendar::Make(spec));
  target.response = response;
  target.resolution = resolution;
  return target;
}

TEST(SlaClock, MetAndBreachedAreDecidedByTheEventOrByTheDuePassing) {
  const SlaTarget target = Target(hours(1), hours(8));
  SlaInputs item;
  item.opened = At("2026-11-23T08:00:00Z");     // Monday 09:00 CET
  item.responded = At("2026-11-23T08:30:00Z");  // 30 business minutes
  // Open at as_of Tuesday 10:00 CET: 10 business hours used, due was Monday 17:00 CET.
  SlaFigures open = ComputeSla(item, target, At("2026-11-24T09:00:00Z"));
  EXPECT_EQ(open.response_due, At("2026-11-23T09:00:00Z"));
  EXPECT_EQ(open.response_met, true);
  EXPECT_EQ(open.response_business, minutes(30));
  EXPECT_EQ(open.resolution_due, At("2026-11-23T16:00:00Z"));
  EXPECT_EQ(open.resolution_met, false);
  EXPECT_EQ(open.resolution_business, hours(10));
  EXPECT_EQ(open.resolution_wall, hours(25));
  // Still within its target: undecided.
  SlaFigures early = ComputeSla(item, target, At("2026-11-23T10:00:00Z"));
  EXPECT_FALSE(early.resolution_met.has_value());
  EXPECT_DOUBLE_EQ(early.resolution_used, 0.25);
}

TEST(SlaClock, PausesMoveTheDueAndAreCounted) {
  const SlaTarget target = Target(hours(1), hours(4));
  SlaInputs item;
  item.opened = At("2026-11-23T08:00:00Z");  // Monday 09:00 CET
  item.responded = At("2026-11-23T08:10:00Z");
  item.paused = {{At("2026-11-23T09:00:00Z"), At("2026-11-23T12:00:00Z")}};  // 10:00-13:00 CET
  item.resolved = At("2026-11-23T14:00:00Z");  // 15:00 CET: 3 business hours after the pause
  SlaFigures done = ComputeSla(item, target, At("2026-11-30T00:00:00Z"));
  EXPECT_EQ(done.resolution_due, At("2026-11-23T15:00:00Z"));  // 16:00 CET, 3h later than unpaused
  EXPECT_EQ(done.resolution_met, true);
  EXPECT_EQ(done.resolution_business, hours(3));
  EXPECT_EQ(done.paused, hours(3));
  // Still paused (no end): no due, and it is paused now.
  SlaInputs waiting = item;
  waiting.resolved.reset();
  waiting.paused = {{At("2026-11-23T09:00:00Z"), TimePoint::max()}};
  SlaFigures held = ComputeSla(waiting, target, At("2026-11-24T09:00:00Z"));
  EXPECT_FALSE(held.resolution_due.has_value());
  EXPECT_FALSE(held.resolution_met.has_value());
  EXPECT_TRUE(held.paused_now);
}

}  // namespace
}  // namespace vigil::collector
