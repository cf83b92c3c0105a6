#include "agent/collectors/kernel_files.h"

#include <gtest/gtest.h>

#include <map>

#include "tests/agent/fake_files.h"
#include "tests/support/exposition_parser.h"

namespace vigil::agent {
namespace {

TEST(Sockstat, ReportsEachProtocolStateAndMemoryInBytes) {
  auto families = ParseSockstat(
      "sockets: used 321\nTCP: inuse 12 orphan 1 tw 40 alloc 15 mem 7\nFRAG: inuse 0 memory 0\n",
      4096);
  ASSERT_TRUE(families.ok());
  auto scrape = testing::RenderAndParse(*families);
  EXPECT_EQ(scrape.Value("node_sockstat_sockets_used"), 321);
  EXPECT_EQ(scrape.Value("node_sockstat_TCP_tw"), 40);
  EXPECT_EQ(scrape.Value("node_sockstat_TCP_mem_bytes"), 7 * 4096);
  EXPECT_EQ(scrape.Value("node_sockstat_FRAG_memory"), 0);
}

TEST(Vmstat, KeepsOnlyMatchingFields) {
  NameFilter fields("^(oom_kill|pg.*fault)", "");
  auto scrape =
      testing::RenderAndParse(ParseVmstat("pgfault 10\nnr_free_pages 5\noom_kill 1\n", fields));
  EXPECT_EQ(scrape.Value("node_vmstat_pgfault"), 10);
  EXPECT_EQ(scrape.Value("node_vmstat_oom_kill"), 1);
  EXPECT_FALSE(scrape.Value("node_vmstat_nr_free_pages"));
}

TEST(Filefd, ReadsAllocatedAndMaximum) {
  auto scrape = testing::RenderAndParse(*ParseFileNr("2048\t0\t9223372036854775807\n"));
  EXPECT_EQ(scrape.Value("node_filefd_allocated"), 2048);
  EXPECT_EQ(scrape.Value("node_filefd_maximum"), 9223372036854775807.0);
  EXPECT_FALSE(ParseFileNr("2048\n").ok());
}

TEST(Entropy, ReadsAvailableAndPoolSize) {
  auto scrape = testing::RenderAndParse(*EntropyFamilies("256\n", "4096\n"));
  EXPECT_EQ(scrape.Value("node_entropy_available_bits"), 256);
  EXPECT_EQ(scrape.Value("node_entropy_pool_size_bits"), 4096);
}

TEST(Pressure, ConvertsMicrosecondTotalsToSeconds) {
  auto families = PressureGather()(
      FakeFiles({{"proc/pressure/cpu", "some avg10=1.00 avg60=2.00 avg300=3.00 total=2500000\n"},
                 {"proc/pressure/io",
                  "some avg10=0 avg60=0 avg300=0 total=42\nfull avg10=0 avg60=0 "
                  "avg300=0 total=21\n"},
                 {"proc/pressure/memory",
                  "some avg10=0 avg60=0 avg300=0 total=0\nfull avg10=0 avg60=0 "
                  "avg300=0 total=0\n"}}));
  ASSERT_TRUE(families.ok());
  auto scrape = testing::RenderAndParse(*families);
  EXPECT_EQ(scrape.Value("node_pressure_cpu_waiting_seconds_total"), 2.5);
  EXPECT_EQ(scrape.Value("node_pressure_io_stalled_seconds_total"), 21 / 1000.0 / 1000.0);
  EXPECT_EQ(scrape.Find("node_pressure_memory_stalled_seconds_total").size(), 1u);
}

TEST(Pressure, StopsQuietlyAtTheFirstMissingFileLikeNodeExporter) {
  auto families = PressureGather()(
      FakeFiles({{"proc/pressure/cpu", "some avg10=0 avg60=0 avg300=0 total=1\n"},
                 {"proc/pressure/memory", "some avg10=0 avg60=0 avg300=0 total=1\n"}}));
  ASSERT_TRUE(families.ok());
  auto scrape = testing::RenderAndParse(*families);
  EXPECT_TRUE(scrape.Value("node_pressure_cpu_waiting_seconds_total"));
  EXPECT_FALSE(scrape.Value("node_pressure_memory_waiting_seconds_total"));
  EXPECT_TRUE(PressureGather()(FakeFiles({}))->empty());  // kernel without PSI
}

}  // namespace
}  // namespace vigil::agent
