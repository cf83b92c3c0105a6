#include "common/time_format.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace vigil {
namespace {

TEST(Rfc3339, FormatsUtcWithMillisecondsOnlyWhenThereAreAny) {
  EXPECT_EQ(FormatRfc3339(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(1772357400000), "2026-03-01T09:30:00Z");
  EXPECT_EQ(FormatRfc3339(1772357400123), "2026-03-01T09:30:00.123Z");
}

TEST(Rfc3339, ReadsZonesFractionsAndWhatItWrites) {
  EXPECT_EQ(*ParseRfc3339("2026-03-01T09:30:00Z"), 1772357400000);
  EXPECT_EQ(*ParseRfc3339("2026-03-01T10:30:00+01:00"), 1772357400000);
  EXPECT_EQ(*ParseRfc3339("2026-03-01T04:00:00.5-05:30"), 1772357400500);
  EXPECT_EQ(*ParseRfc3339("2026-03-01 09:30:00.123456z"), 1772357400123);
  for (std::int64_t ms : {0LL, 1772357400123LL, 951782400000LL}) {
    EXPECT_EQ(*ParseRfc3339(FormatRfc3339(ms)), ms);
  }
}

TEST(Rfc3339, RefusesWhatIsNotATimeAndSaysWhy) {
  EXPECT_THAT(ParseRfc3339("2026-03-01").error().message,
              ::testing::HasSubstr("expected YYYY-MM-DD"));
  EXPECT_THAT(ParseRfc3339("2026-03-01T09:30:00").error().message, ::testing::HasSubstr("zone"));
  EXPECT_THAT(ParseRfc3339("2026-02-30T09:30:00Z").error().message,
              ::testing::HasSubstr("no such date"));
  EXPECT_EQ(ParseRfc3339("2026-03-01T09:30:00+1:00").error().code, ErrorCode::kInvalidTime);
  EXPECT_FALSE(ParseRfc3339("2026-03-01T09:30:00Zjunk").ok());
}

}  // namespace
}  // namespace vigil
