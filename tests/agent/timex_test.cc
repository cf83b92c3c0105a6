// node_exporter's timex arithmetic on adjtimex values the test chooses (the host's own are checked
// against node_exporter in the parity tests).

#include "agent/collectors/timex.h"

#include <gtest/gtest.h>

#include "tests/support/exposition_parser.h"

namespace vigil::agent {
namespace {

TEST(Timex, ScalesOffsetsByTheKernelsUnitAndFrequenciesFromPpm) {
  struct timex clock {};
  clock.offset = 2500;
  clock.freq = 65536 * 10;  // +10 ppm
  clock.maxerror = 16000000;
  clock.tick = 10000;
  clock.jitter = 300;
  clock.status = STA_PLL;
  auto micro = testing::RenderAndParse(TimexFamilies(clock, TIME_OK));
  EXPECT_EQ(micro.Value("node_timex_sync_status"), 1);
  EXPECT_EQ(micro.Value("node_timex_offset_seconds"), 0.0025);
  EXPECT_EQ(micro.Value("node_timex_frequency_adjustment_ratio"), 1 + 10 / 1e6);
  EXPECT_EQ(micro.Value("node_timex_maxerror_seconds"), 16);
  EXPECT_EQ(micro.Value("node_timex_tick_seconds"), 0.01);
  EXPECT_EQ(micro.types.at("node_timex_pps_error_total"), "counter");

  clock.status = STA_PLL | STA_NANO;  // offset and jitter now in nanoseconds
  auto nano = testing::RenderAndParse(TimexFamilies(clock, TIME_ERROR));
  EXPECT_EQ(nano.Value("node_timex_sync_status"), 0);
  EXPECT_EQ(nano.Value("node_timex_offset_seconds"), 2500 / 1e9);
  EXPECT_EQ(nano.Value("node_timex_pps_jitter_seconds"), 300 / 1e9);
}

}  // namespace
}  // namespace vigil::agent
