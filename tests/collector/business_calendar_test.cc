#include "collector/sla/business_calendar.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/time_format.h"

namespace vigil::collector {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;

TimePoint At(const char* rfc3339) { return TimePoint(milliseconds(*ParseRfc3339(rfc3339))); }
std::string Text(std::optional<TimePoint> t) {
  if (!t) return "never";
  return FormatRfc3339(std::chrono::duration_cast<milliseconds>(t->time_since_epoch()).count());
}

// Monday to Friday; Friday split for lunch; given holidays.
BusinessCalendar Office(const std::string& zone, std::vector<std::string> windows = {"09:00-18:00"},
                        std::vector<const char*> holidays = {}) {
  CalendarSpec spec;
  spec.timezone = zone;
  for (int day = 0; day < 5; ++day) {
    for (const std::string& w : windows) spec.week[day].push_back(*ParseWindow(w));
  }
  spec.week[4] = {*ParseWindow("09:00-13:00"), *ParseWindow("14:00-18:00")};
  for (const char* h : holidays) spec.holidays.insert(*ParseLocalDate(h));
  auto calendar = BusinessCalendar::Make(spec);
  EXPECT_TRUE(calendar.ok()) << calendar.error().message;
  return *calendar;
}

// Every day, the given windows, in `zone`.
BusinessCalendar EveryDay(const std::string& zone, std::vector<std::string> windows) {
  CalendarSpec spec;
  spec.timezone = zone;
  for (auto& day : spec.week) {
    for (const std::string& w : windows) day.push_back(*ParseWindow(w));
  }
  return *BusinessCalendar::Make(spec);
}

TEST(BusinessCalendar, DuesSkipNightsWeekendsAndHolidays) {
  const BusinessCalendar berlin = Office("Europe/Berlin", {"09:00-18:00"}, {"2026-12-25"});
  // Thursday 2026-12-24 17:00 CET (16:00Z) + 2h: one hour Thursday, Friday is a holiday, so
  // Monday 10:00 CET.
  EXPECT_EQ(Text(berlin.Add(At("2026-12-24T16:00:00Z"), hours(2))), "2026-12-28T09:00:00Z");
  // Friday 2026-11-27 12:30 CET + 1h: half an hour before lunch, half after: 14:30.
  EXPECT_EQ(Text(berlin.Add(At("2026-11-27T11:30:00Z"), hours(1))), "2026-11-27T13:30:00Z");
  // Saturday night + 1h: Monday 10:00.
  EXPECT_EQ(Text(berlin.Add(At("2026-11-28T22:00:00Z"), hours(1))), "2026-11-30T09:00:00Z");
  // Friday 08:00 to Monday 10:00 CET: 8 business hours on Friday, one on Monday.
  EXPECT_EQ(berlin.Elapsed(At("2026-11-27T07:00:00Z"), At("2026-11-30T09:00:00Z")), hours(9));
  EXPECT_EQ(berlin.Add(At("2026-11-27T07:00:00Z"), milliseconds(0)), At("2026-11-27T07:00:00Z"));
}

TEST(BusinessCalendar, PausesAreLeftOutOfElapsedAndMoveDues) {
  const BusinessCalendar berlin = Office("Europe/Berlin");
  const std::vector<Span> paused = {{At("2026-11-23T09:00:00Z"), At("2026-11-23T11:00:00Z")}};
  // Monday 09:00-18:00 CET with 10:00-12:00 paused: 7 hours.
  EXPECT_EQ(berlin.Elapsed(At("2026-11-23T08:00:00Z"), At("2026-11-23T17:00:00Z"), paused),
            hours(7));
  // 4h from 09:00 CET with two of them paused: due at 15:00 instead of 13:00.
  EXPECT_EQ(Text(berlin.Add(At("2026-11-23T08:00:00Z"), hours(4), paused)), "2026-11-23T14:00:00Z");
  // A pause without end: never due.
  EXPECT_EQ(Text(berlin.Add(At("2026-11-23T08:00:00Z"), hours(4),
                            {{At("2026-11-23T09:00:00Z"), TimePoint::max()}})),
            "never");
}

TEST(BusinessCalendar, BerlinDaysAre23And25HoursLongAtTheDstChanges) {
  const BusinessCalendar berlin = EveryDay("Europe/Berlin", {"00:00-24:00"});
  // 2026-03-29: 02:00 CET jumps to 03:00 CEST. Local midnight to midnight: 23 hours.
  EXPECT_EQ(berlin.Elapsed(At("2026-03-28T23:00:00Z"), At("2026-03-29T22:00:00Z")), hours(23));
  // 2026-10-25: 03:00 CEST falls back to 02:00 CET: 25 hours.
  EXPECT_EQ(berlin.Elapsed(At("2026-10-24T22:00:00Z"), At("2026-10-25T23:00:00Z")), hours(25));
  const BusinessCalendar mornings = EveryDay("Europe/Berlin", {"01:00-04:00"});
  EXPECT_EQ(mornings.Elapsed(At("2026-03-28T23:00:00Z"), At("2026-03-29T22:00:00Z")), hours(2));
  EXPECT_EQ(mornings.Elapsed(At("2026-10-24T22:00:00Z"), At("2026-10-25T23:00:00Z")), hours(4));
}

TEST(BusinessCalendar, WindowsStartingInASkippedHourOrEndingInARepeatedOne) {
  // New York, 2026-03-08: 02:00 EST jumps to 03:00 EDT. A window from 02:30 starts at the jump.
  const BusinessCalendar spring = EveryDay("America/New_York", {"02:30-05:00"});
  EXPECT_EQ(spring.Elapsed(At("2026-03-08T05:00:00Z"), At("2026-03-08T12:00:00Z")), hours(2));
  EXPECT_EQ(Text(spring.Add(At("2026-03-08T05:00:00Z"), minutes(30))), "2026-03-08T07:30:00Z");
  // 2026-11-01: 02:00 EDT falls back to 01:00 EST. A window ending at 01:30 ends at the second
  // 01:30 (EST, 06:30Z): from 00:00 EDT (04:00Z) that is two and a half hours.
  const BusinessCalendar autumn = EveryDay("America/New_York", {"00:00-01:30"});
  EXPECT_EQ(autumn.Elapsed(At("2026-11-01T03:00:00Z"), At("2026-11-01T12:00:00Z")), minutes(150));
  // Starting in the repeated hour: its first occurrence (01:00 EDT, 05:00Z).
  const BusinessCalendar repeated = EveryDay("America/New_York", {"01:00-03:00"});
  EXPECT_EQ(repeated.Elapsed(At("2026-11-01T03:00:00Z"), At("2026-11-01T12:00:00Z")), hours(3));
}

TEST(BusinessCalendar, ShanghaiHasNoDst) {
  const BusinessCalendar shanghai = Office("Asia/Shanghai");
  // Monday 2026-03-09 17:00 CST (09:00Z) + 2h: Tuesday 10:00 CST (02:00Z); nothing moves in March.
  EXPECT_EQ(Text(shanghai.Add(At("2026-03-09T09:00:00Z"), hours(2))), "2026-03-10T02:00:00Z");
  EXPECT_EQ(shanghai.Elapsed(At("2026-03-02T00:00:00Z"), At("2026-03-09T00:00:00Z")),
            hours(9 * 4 + 8));
}

TEST(BusinessCalendar, AlwaysOpenCountsWallTimeLessPauses) {
  const BusinessCalendar always = BusinessCalendar::Always();
  EXPECT_EQ(always.Elapsed(At("2026-11-27T00:00:00Z"), At("2026-11-28T00:00:00Z"),
                           {{At("2026-11-27T10:00:00Z"), At("2026-11-27T11:00:00Z")}}),
            hours(23));
  EXPECT_EQ(Text(always.Add(At("2026-11-27T00:00:00Z"), hours(4),
                            {{At("2026-11-27T01:00:00Z"), At("2026-11-27T03:00:00Z")}})),
            "2026-11-27T06:00:00Z");
}

TEST(BusinessCalendar, RefusesWhatCannotBeACalendar) {
  CalendarSpec spec;
  spec.timezone = "Europe/Atlantis";
  spec.week[0] = {*ParseWindow("09:00-18:00")};
  EXPECT_THAT(BusinessCalendar::Make(spec).error().message,
              ::testing::HasSubstr("unknown time zone"));
  spec.timezone = "Europe/Berlin";
  spec.week[0].push_back(*ParseWindow("17:00-19:00"));
  EXPECT_THAT(BusinessCalendar::Make(spec).error().message, ::testing::HasSubstr("overlap"));
  EXPECT_FALSE(BusinessCalendar::Make(CalendarSpec{}).ok());  // no window
  EXPECT_THAT(ParseWindow("18:00-09:00").error().message,
              ::testing::HasSubstr("ends after it starts"));
  EXPECT_FALSE(ParseWindow("9-18").ok());
  EXPECT_FALSE(ParseWindow("09:00-24:30").ok());
  EXPECT_TRUE(ParseWindow("00:00-24:00").ok());
  EXPECT_FALSE(ParseLocalDate("2026-02-30").ok());
  EXPECT_EQ(*ParseLocalDate("1970-01-02"), 1);
}

}  // namespace
}  // namespace vigil::collector
