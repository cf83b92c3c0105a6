#include "common/host_port.h"

#include <gtest/gtest.h>

namespace vigil {
namespace {

TEST(ParseHostPort, ReadsNamesIpv4AndBracketedIpv6) {
  EXPECT_EQ(ParseHostPort("collector.example.com:9700")->host, "collector.example.com");
  EXPECT_EQ(ParseHostPort("127.0.0.1:0")->port, 0);
  auto v6 = ParseHostPort("[::1]:9701");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 9701);
  EXPECT_EQ(FormatHostPort(*v6), "[::1]:9701");
}

TEST(ParseHostPort, RejectsWhatCannotBeConnectedTo) {
  for (const char* text : {"", "host", "host:", ":9700", "host:65536", "host:-1", "::1:9700",
                           "[::1]9700", "[::1", "host:97a0"}) {
    EXPECT_FALSE(ParseHostPort(text).ok()) << text;
  }
}

}  // namespace
}  // namespace vigil
