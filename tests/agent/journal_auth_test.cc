// auth.failed_logins reads the journal by running journalctl (the static agent cannot load
// libsystemd): a fake journalctl on PATH shows what is asked and what is counted.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>

#include "agent/security/auth_failures.h"
#include "tests/support/temp_dir.h"

namespace vigil::agent {
namespace {

// Puts `bin` first on PATH for the life of the object.
class PathPrefix {
 public:
  explicit PathPrefix(const std::string& bin)
      : saved_(std::getenv("PATH") ? std::getenv("PATH") : "") {
    setenv("PATH", (bin + ":" + saved_).c_str(), 1);
  }
  ~PathPrefix() { setenv("PATH", saved_.c_str(), 1); }

 private:
  std::string saved_;
};

TEST(JournalAuth, TakesThePositionFirstThenCountsWhatCameAfterIt) {
  testing::TempDir dir;
  const std::string script = dir.Write(
      "bin/journalctl",
      "#!/bin/sh\n"
      "echo \"$@\" >> " +
          dir.File("calls") +
          "\n"
          "case \"$*\" in\n"
          "  *--after-cursor=c1*)\n"
          "    echo '{\"__CURSOR\":\"c2\",\"MESSAGE\":\"Failed password for root from 203.0.113.9 "
          "port 2 ssh2\"}'\n"
          "    echo '{\"__CURSOR\":\"c3\",\"MESSAGE\":[70,65,73,76]}'\n"  // not UTF-8: an array of
                                                                          // bytes
          "    echo '{\"__CURSOR\":\"c4\",\"MESSAGE\":\"FAILED SU (to root) eve on pts/1\"}' ;;\n"
          "  *) echo '{\"__CURSOR\":\"c1\",\"MESSAGE\":\"Failed password for old news\"}' ;;\n"
          "esac\n");
  chmod(script.c_str(), 0755);
  PathPrefix path(dir.File("bin"));

  JournalResult first = ReadJournalAuth("/", "");
  ASSERT_TRUE(first.ok) << first.error;
  EXPECT_EQ(first.read.cursor, "c1");
  EXPECT_EQ(first.read.failures.count, 0) << "the first read only takes the position";

  JournalResult second = ReadJournalAuth("/", "c1");
  ASSERT_TRUE(second.ok) << second.error;
  EXPECT_EQ(second.read.cursor, "c4");
  EXPECT_EQ(second.read.failures.count, 2);
  EXPECT_EQ(second.read.failures.sources["203.0.113.9"], 1);

  const std::string calls = testing::ReadFile(dir.File("calls"));
  EXPECT_NE(calls.find("SYSLOG_FACILITY=4 SYSLOG_FACILITY=10"), std::string::npos) << calls;
  EXPECT_EQ(calls.find("--root"), std::string::npos) << "no --root for the host's own journal";
}

TEST(JournalAuth, WithoutJournalctlTheReadFailsNamingIt) {
  testing::TempDir dir;
  PathPrefix path(dir.File("empty-bin"));
  setenv("PATH", dir.File("empty-bin").c_str(), 1);  // nothing else either
  JournalResult read = ReadJournalAuth("/", "");
  EXPECT_FALSE(read.ok);
  EXPECT_NE(read.error.find("journalctl"), std::string::npos) << read.error;
}

}  // namespace
}  // namespace vigil::agent
