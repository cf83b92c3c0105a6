#include "common/time_format.h"

#include <chrono>
#include <cstdio>

namespace vigil {
namespace {

bool ReadDigits(std::string_view text, std::size_t at, std::size_t count, int& out) {
  if (at + count > text.size()) return false;
  out = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    out = out * 10 + (text[i] - '0');
  }
  return true;
}

Error Invalid(std::string_view text, const std::string& why) {
  return MakeError(ErrorCode::kInvalidTime, "\"" + std::string(text.substr(0, 64)) +
                                                "\" is not an RFC 3339 time (" + why +
                                                "), e.g. 2026-03-01T09:30:00Z");
}

}  // namespace

std::string FormatRfc3339(std::int64_t unix_ms) {
  using namespace std::chrono;
  const sys_time<milliseconds> t{milliseconds(unix_ms)};
  const sys_days day = floor<days>(t);
  const year_month_day date(day);
  const hh_mm_ss clock(floor<milliseconds>(t - day));
  char buffer[40];
  const int ms = static_cast<int>(clock.subseconds().count());
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d",
                static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()), static_cast<int>(clock.hours().count()),
                static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()));
  std::string out = buffer;
  if (ms != 0) {
    std::snprintf(buffer, sizeof buffer, ".%03d", ms);
    out += buffer;
  }
  return out + "Z";
}

Result<std::int64_t> ParseRfc3339(std::string_view text) {
  using namespace std::chrono;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (text.size() < 20 || !ReadDigits(text, 0, 4, y) || text[4] != '-' ||
      !ReadDigits(text, 5, 2, mo) || text[7] != '-' || !ReadDigits(text, 8, 2, d) ||
      (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || !ReadDigits(text, 11, 2, h) ||
      text[13] != ':' || !ReadDigits(text, 14, 2, mi) || text[16] != ':' ||
      !ReadDigits(text, 17, 2, s)) {
    return Invalid(text, "expected YYYY-MM-DDTHH:MM:SS and a zone");
  }
  const year_month_day date{year(y), month(static_cast<unsigned>(mo)),
                            day(static_cast<unsigned>(d))};
  if (!date.ok() || h > 23 || mi > 59 || s > 60) return Invalid(text, "no such date or time");
  std::size_t pos = 19;
  int ms = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits < 3) ms = ms * 10 + (text[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return Invalid(text, "a fraction needs digits");
    for (int i = digits; i < 3; ++i) ms *= 10;
  }
  int offset_minutes = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int oh = 0, om = 0;
    if (!ReadDigits(text, pos + 1, 2, oh) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        !ReadDigits(text, pos + 4, 2, om) || oh > 23 || om > 59) {
      return Invalid(text, "a zone offset is +HH:MM or -HH:MM");
    }
    offset_minutes = (text[pos] == '-' ? -1 : 1) * (oh * 60 + om);
    pos += 6;
  } else {
    return Invalid(text, "the zone, Z or an offset, is missing");
  }
  if (pos != text.size()) return Invalid(text, "unexpected text after the zone");
  const sys_days day_point(date);
  const auto t = day_point + hours(h) + minutes(mi) + seconds(std::min(s, 59)) + milliseconds(ms) -
                 minutes(offset_minutes);
  return static_cast<std::int64_t>(duration_cast<milliseconds>(t.time_since_epoch()).count());
}

}  // namespace vigil
