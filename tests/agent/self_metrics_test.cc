#include "agent/self_metrics.h"

#include <gtest/gtest.h>

#include "tests/support/exposition_parser.h"

namespace vigil::agent {
namespace {

TEST(SelfFamilies, ReportTheBatchCarryingThemAndTheSpool) {
  SelfState state;
  state.batch_sequence = 17;
  state.spool = {3, 4096, 2};
  state.uplink = {true, 14, 1};
  auto exposition = testing::RenderAndParse(SelfFamilies(state));
  EXPECT_EQ(exposition.Value("vigil_agent_batches_produced_total"), 17);
  EXPECT_EQ(exposition.Value("vigil_agent_batches_acked_total"), 14);
  EXPECT_EQ(exposition.Value("vigil_agent_spool_batches"), 3);
  EXPECT_EQ(exposition.Value("vigil_agent_spool_bytes"), 4096);
  EXPECT_EQ(exposition.Value("vigil_agent_spool_dropped_batches_total"), 2);
  EXPECT_EQ(exposition.Value("vigil_agent_uplink_connected"), 1);
  EXPECT_EQ(exposition.types.at("vigil_agent_batches_produced_total"), "counter");
}

}  // namespace
}  // namespace vigil::agent
