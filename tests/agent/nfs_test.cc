// The NFS client and server collectors beyond the parity fixtures: hosts without NFS, lines
// node_exporter 1.5 refuses, and the server's thread line whose histogram is not counted.

#include "agent/collectors/nfs.h"

#include <gtest/gtest.h>

#include "tests/support/exposition_parser.h"
#include "tests/support/temp_dir.h"

namespace vigil::agent {
namespace {

TEST(Nfs, HostsWithoutNfsReportNothing) {
  testing::TempDir root;
  for (auto* make : {&MakeNfsCollector, &MakeNfsdCollector}) {
    auto families = make(root.path().string())->Collect();
    ASSERT_TRUE(families.ok()) << families.error().message;
    EXPECT_TRUE(testing::RenderAndParse(*families).samples.empty());
  }
}

TEST(Nfs, ServerReadsThreadsPastTheirHistogramAndLeavesOutNull) {
  testing::TempDir root;
  root.Write(
      "proc/net/rpc/nfsd",
      "th 16 3 0.000 1.5\nrpc 40 4 1 2 1\nproc3 22 9 8 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 7\n");
  auto families = MakeNfsdCollector(root.path().string())->Collect();
  ASSERT_TRUE(families.ok()) << families.error().message;
  auto scrape = testing::RenderAndParse(*families);
  EXPECT_EQ(scrape.Value("node_nfsd_server_threads"), 16);
  EXPECT_EQ(scrape.Value("node_nfsd_rpc_errors_total", {{"error", "auth"}}), 2);
  EXPECT_EQ(scrape.Value("node_nfsd_requests_total", {{"proto", "3"}, {"method", "GetAttr"}}), 8);
  EXPECT_EQ(scrape.Value("node_nfsd_requests_total", {{"proto", "3"}, {"method", "Commit"}}), 7);
  EXPECT_TRUE(scrape.Find("node_nfsd_requests_total", {{"method", "Null"}}).empty());
  // Versions the kernel did not report are zero, as upstream's empty structs are.
  EXPECT_EQ(scrape.Value("node_nfsd_requests_total", {{"proto", "2"}, {"method", "Root"}}), 0);
}

TEST(Nfs, MiscountedLinesFailNamingTheFileAndNewerKernelLinesAreSkipped) {
  testing::TempDir root;
  root.Write("proc/net/rpc/nfs", "net 1 1 0 0\nrpc 5 0 5\nproc3 22 1 2 3\n");
  auto miscounted = MakeNfsCollector(root.path().string())->Collect();
  ASSERT_FALSE(miscounted.ok());
  EXPECT_NE(miscounted.error().message.find("proc/net/rpc/nfs: \"proc3\""), std::string::npos)
      << miscounted.error().message;

  // Kernel 6.7's delegation line, which node_exporter 1.5 fails on.
  root.Write("proc/net/rpc/nfsd", "rc 0 4 0\nwdeleg_getattr 0\n");
  auto newer = MakeNfsdCollector(root.path().string())->Collect();
  ASSERT_TRUE(newer.ok()) << newer.error().message;
  EXPECT_EQ(testing::RenderAndParse(*newer).Value("node_nfsd_reply_cache_misses_total"), 4);
}

}  // namespace
}  // namespace vigil::agent
