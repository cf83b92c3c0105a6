#include "agent/collectors/proc_stat.h"

#include <gtest/gtest.h>

#include "tests/support/exposition_parser.h"

namespace vigil::agent {
namespace {

constexpr const char* kStat = R"(cpu  2255 34 2290 22625563 6290 127 456 0 0 0
cpu0 1132 34 1441 11311718 3675 127 438 12 50 7
cpu1 1123 0 849 11313845 2614 0 18 3 0 0
intr 114930548 113199788 3 0 5
ctxt 1990473
btime 1062191376
processes 2915
procs_running 3
procs_blocked 1
)";

TEST(ParseProcStat, ReadsEveryCpuButNotTheAggregate) {
  Result<ProcStat> stat = ParseProcStat(kStat);
  ASSERT_TRUE(stat.ok());
  ASSERT_EQ(stat->cpus.size(), 2u);
  EXPECT_EQ(stat->cpus[0].cpu, "0");
  EXPECT_EQ(stat->cpus[0].steal, 12u);
  EXPECT_EQ(stat->cpus[0].guest_nice, 7u);
  EXPECT_EQ(stat->boot_time, 1062191376u);
}

TEST(CpuFamilies, ExportsSecondsPerCpuAndModeAsNodeExporterDoes) {
  auto exposition = testing::RenderAndParse(CpuFamilies(*ParseProcStat(kStat), 100.0));
  EXPECT_EQ(exposition.types.at("node_cpu_seconds_total"), "counter");
  EXPECT_EQ(exposition.Value("node_cpu_seconds_total", {{"cpu", "0"}, {"mode", "user"}}), 11.32);
  EXPECT_EQ(exposition.Value("node_cpu_seconds_total", {{"cpu", "1"}, {"mode", "idle"}}),
            113138.45);
  EXPECT_EQ(exposition.Find("node_cpu_seconds_total").size(), 16u);  // 2 CPUs x 8 modes
  EXPECT_EQ(exposition.Value("node_cpu_guest_seconds_total", {{"cpu", "0"}, {"mode", "nice"}}),
            0.07);
}

TEST(StatFamilies, ExportsBootTimeAndCounters) {
  auto exposition = testing::RenderAndParse(StatFamilies(*ParseProcStat(kStat)));
  EXPECT_EQ(exposition.Value("node_boot_time_seconds"), 1062191376);
  EXPECT_EQ(exposition.types.at("node_boot_time_seconds"), "gauge");
  EXPECT_EQ(exposition.Value("node_context_switches_total"), 1990473);
  EXPECT_EQ(exposition.Value("node_forks_total"), 2915);
  EXPECT_EQ(exposition.Value("node_intr_total"), 114930548);
  EXPECT_EQ(exposition.Value("node_procs_running"), 3);
  EXPECT_EQ(exposition.Value("node_procs_blocked"), 1);
}

TEST(StatFamilies, MissingLinesAreReportedAsZeroLikeNodeExporter) {
  auto exposition = testing::RenderAndParse(StatFamilies(*ParseProcStat("cpu0 1 2 3 4\nctxt 5\n")));
  EXPECT_EQ(exposition.Value("node_context_switches_total"), 5);
  EXPECT_EQ(exposition.Value("node_intr_total"), 0);
  EXPECT_EQ(exposition.Value("node_boot_time_seconds"), 0);
}

TEST(ParseProcStat, MalformedCpuLineNamesTheProblem) {
  Result<ProcStat> stat = ParseProcStat("cpu0 1 2 x 4 5\n");
  ASSERT_FALSE(stat.ok());
  EXPECT_NE(stat.error().message.find("\"x\" for cpu0"), std::string::npos);
  EXPECT_FALSE(ParseProcStat("cpu0 1 2\n").ok());
}

TEST(CpuCollector, MissingFileIsAnErrorNamingThePath) {
  auto collector = MakeCpuCollector("/nonexistent-root");
  auto families = collector->Collect();
  ASSERT_FALSE(families.ok());
  EXPECT_NE(families.error().message.find("/nonexistent-root/proc/stat"), std::string::npos);
}

}  // namespace
}  // namespace vigil::agent
