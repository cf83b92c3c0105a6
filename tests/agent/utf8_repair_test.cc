#include "agent/utf8_repair.h"

#include <gtest/gtest.h>

namespace vigil::agent {
namespace {

TEST(RepairInvalidUtf8, ABatchWithLatin1BytesParsesOnTheCollectorAfterwards) {
  wire::Batch batch;
  batch.set_sequence(7);
  wire::MetricFamily* family = batch.add_snapshots()->add_families();
  family->set_name("node_filesystem_size_bytes");
  family->set_help("Filesystem size in bytes.");
  wire::Label* mount = family->add_series()->add_labels();
  mount->set_name("mountpoint");
  mount->set_value("/srv/caf\xe9");
  wire::Label* fine = family->add_series()->add_labels();
  fine->set_name("mountpoint");
  fine->set_value("/srv/caf\xc3\xa9");
  wire::Event* event = batch.add_events();
  event->set_kind("security_finding");
  event->set_message("world-writable \xff\xfe file");

  wire::Batch unrepaired;
  EXPECT_FALSE(unrepaired.ParseFromString(batch.SerializeAsString()));  // what the collector saw

  EXPECT_EQ(RepairInvalidUtf8(batch), 2u);
  wire::Batch parsed;
  ASSERT_TRUE(parsed.ParseFromString(batch.SerializeAsString()));
  const wire::MetricFamily& read = parsed.snapshots(0).families(0);
  EXPECT_EQ(read.series(0).labels(0).value(), "/srv/caf\xEF\xBF\xBD");
  EXPECT_EQ(read.series(1).labels(0).value(), "/srv/caf\xc3\xa9");  // valid text stays as it is
  EXPECT_EQ(parsed.events(0).message(), "world-writable \xEF\xBF\xBD file");
  EXPECT_EQ(RepairInvalidUtf8(batch), 0u);
}

}  // namespace
}  // namespace vigil::agent
