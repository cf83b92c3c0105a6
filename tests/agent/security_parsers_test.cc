// The parsers behind the security checks, on awkward input.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "agent/security/debian_packages.h"
#include "agent/security/listening_sockets.h"
#include "agent/security/sshd_config.h"
#include "agent/security/sudoers.h"

namespace vigil::agent {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

// An in-memory file system for the parsers.
struct Files {
  std::map<std::string, std::string> files;

  Result<std::string> Read(const std::string& path) const {
    auto it = files.find(path);
    if (it == files.end()) return MakeError(ErrorCode::kNotFound, "cannot open " + path);
    return it->second;
  }
  // Only "*" at the end of the last component, as the tests need.
  std::vector<std::string> Glob(const std::string& pattern) const {
    std::vector<std::string> out;
    const std::size_t star = pattern.find('*');
    for (const auto& [path, text] : files) {
      if (star == std::string::npos
              ? path == pattern
              : path.rfind(pattern.substr(0, star), 0) == 0 && path.size() >= pattern.size() - 1 &&
                    path.compare(path.size() - (pattern.size() - star - 1), std::string::npos,
                                 pattern.substr(star + 1)) == 0) {
        out.push_back(path);
      }
    }
    return out;
  }
  std::vector<std::string> List(const std::string& folder) const {
    std::vector<std::string> out;
    for (const auto& [path, text] : files) {
      if (path.rfind(folder + "/", 0) == 0 &&
          path.find('/', folder.size() + 1) == std::string::npos) {
        out.push_back(path.substr(folder.size() + 1));
      }
    }
    return out;
  }
  SshdFiles Sshd() const {
    return {[this](const std::string& p) { return Read(p); },
            [this](const std::string& p) { return Glob(p); }};
  }
  SudoersFiles Sudo() const {
    return {[this](const std::string& p) { return Read(p); },
            [this](const std::string& p) { return List(p); }};
  }
};

TEST(SshdConfig, KeywordsAreCaseInsensitiveAndTheFirstValueWins) {
  Files fs{{{"/etc/ssh/sshd_config",
             "# comment\n  PERMITROOTLOGIN=no\npermitrootlogin yes\n"
             "PasswordAuthentication = \"no\"\n\tX11Forwarding yes # trailing words\n"}}};
  auto config = ParseSshdConfig("/etc/ssh/sshd_config", fs.Sshd());
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->global.at("permitrootlogin").value, "no");
  EXPECT_EQ(config->global.at("permitrootlogin").line, 2);
  EXPECT_EQ(config->global.at("passwordauthentication").value, "no");
  EXPECT_EQ(config->global.at("x11forwarding").value, "yes");
}

TEST(SshdConfig, IncludesAreReadInPlaceInOrderAndRelativeToEtcSsh) {
  Files fs{{{"/etc/ssh/sshd_config", "Include sshd_config.d/*.conf\nPermitRootLogin no\n"},
            {"/etc/ssh/sshd_config.d/20-b.conf", "PermitRootLogin forced-commands-only\n"},
            {"/etc/ssh/sshd_config.d/10-a.conf", "PermitRootLogin yes\n"}}};
  auto config = ParseSshdConfig("/etc/ssh/sshd_config", fs.Sshd());
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->global.at("permitrootlogin").value, "yes");
  EXPECT_EQ(config->global.at("permitrootlogin").file, "/etc/ssh/sshd_config.d/10-a.conf");
}

TEST(SshdConfig, AnIncludeLoopIsReadOnceAndReported) {
  Files fs{{{"/etc/ssh/sshd_config", "Include /etc/ssh/a.conf\n"},
            {"/etc/ssh/a.conf", "Include /etc/ssh/b.conf\nPasswordAuthentication no\n"},
            {"/etc/ssh/b.conf", "Include /etc/ssh/a.conf\nPasswordAuthentication yes\n"}}};
  auto config = ParseSshdConfig("/etc/ssh/sshd_config", fs.Sshd());
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->global.at("passwordauthentication").value, "yes");  // b is read first
  ASSERT_THAT(config->problems, SizeIs(1));
  EXPECT_THAT(config->problems[0],
              HasSubstr("/etc/ssh/b.conf:1: Include loop through /etc/ssh/a.conf"));
}

TEST(SshdConfig, MatchBlocksAreKeptApartAndEndWithTheFileThatOpenedThem) {
  Files fs{{{"/etc/ssh/sshd_config",
             "Include /etc/ssh/extra.conf\nPermitRootLogin no\nMatch User backup\n"
             "  PasswordAuthentication yes\n  Include /etc/ssh/in-match.conf\n"
             "Match Address 10.0.0.0/8,192.168.0.0/16\n  PermitRootLogin yes\n"},
            {"/etc/ssh/extra.conf", "Match Group sftp\n  ForceCommand internal-sftp\n"},
            {"/etc/ssh/in-match.conf", "PermitEmptyPasswords yes\n"}}};
  auto config = ParseSshdConfig("/etc/ssh/sshd_config", fs.Sshd());
  ASSERT_TRUE(config.ok());
  // The Match in extra.conf ended with it: PermitRootLogin no is global.
  EXPECT_EQ(config->global.at("permitrootlogin").value, "no");
  EXPECT_EQ(config->global.count("passwordauthentication"), 0u);
  ASSERT_THAT(config->matches, SizeIs(3));
  EXPECT_EQ(config->matches[0].criteria, "Group sftp");
  EXPECT_EQ(config->matches[1].criteria, "User backup");
  EXPECT_EQ(config->matches[1].settings.at("passwordauthentication").value, "yes");
  // An Include inside a Match block belongs to it.
  EXPECT_EQ(config->matches[1].settings.at("permitemptypasswords").value, "yes");
  EXPECT_EQ(config->matches[2].criteria, "Address 10.0.0.0/8,192.168.0.0/16");
}

TEST(SshdConfig, AMissingMainFileIsNotFound) {
  Files fs;
  auto config = ParseSshdConfig("/etc/ssh/sshd_config", fs.Sshd());
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().code, ErrorCode::kNotFound);
}

TEST(Sudoers, FindsAllWithoutAPasswordThroughAliasesContinuationsAndIncludes) {
  Files fs{{{"/etc/sudoers",
             "Defaults env_reset\nCmnd_Alias SHELLS = /bin/sh, /bin/bash : EVERYTHING = ALL\n"
             "Cmnd_Alias NESTED = SHELLS, EVERYTHING\n"
             "root ALL=(ALL:ALL) ALL\n"
             "alice ALL=(ALL) NOPASSWD: /usr/bin/apt, \\\n   ALL\n"
             "bob ALL = (root) NOPASSWD: SHELLS\n"
             "carol ALL=(ALL) NOPASSWD:SETENV: NESTED\n"
             "dave ALL=(ALL) NOPASSWD: /usr/bin/rsync, PASSWD: ALL\n"
             "#1000 ALL=(ALL) NOPASSWD: ALL\n"
             "# eve ALL=(ALL) NOPASSWD: ALL\n"
             "@include sudoers.local\n#includedir /etc/sudoers.d\n"},
            {"/etc/sudoers.local", "Defaults:ci !authenticate\n"},
            {"/etc/sudoers.d/ops", "%ops ALL=(ALL) NOPASSWD: ALL\n"},
            {"/etc/sudoers.d/ops.bak", "%old ALL=(ALL) NOPASSWD: ALL\n"},
            {"/etc/sudoers.d/ops~", "%tilde ALL=(ALL) NOPASSWD: ALL\n"}}};
  auto scan = FindNopasswdGrants("/etc/sudoers", fs.Sudo());
  ASSERT_TRUE(scan.ok());
  std::vector<std::string> users;
  for (const SudoGrant& grant : scan->nopasswd_all) users.push_back(grant.users);
  EXPECT_THAT(users, ElementsAre("alice", "carol", "#1000", "ci", "%ops"));
  EXPECT_EQ(scan->nopasswd_all[0].line, 5);  // where the continued rule starts
  EXPECT_EQ(scan->nopasswd_all[4].file, "/etc/sudoers.d/ops");
  EXPECT_THAT(scan->problems, IsEmpty());
}

TEST(Sudoers, AnIncludeLoopIsReported) {
  Files fs{{{"/etc/sudoers", "#include /etc/sudoers.a\n"},
            {"/etc/sudoers.a", "#include /etc/sudoers\n"}}};
  auto scan = FindNopasswdGrants("/etc/sudoers", fs.Sudo());
  ASSERT_TRUE(scan.ok());
  ASSERT_THAT(scan->problems, SizeIs(1));
  EXPECT_THAT(scan->problems[0], HasSubstr("include loop through /etc/sudoers"));
}

TEST(DebianVersions, OrderAsDpkgDoes) {
  // Each is lower than the next.
  const std::vector<std::string> ascending = {"1.0~rc1", "1.0",  "1.0-1",  "1.0-1+deb12u1",
                                              "1.0-2",   "1.0a", "1.0+b1", "1.00.1",
                                              "1.2",     "1.10", "2:0.1"};
  for (std::size_t i = 0; i + 1 < ascending.size(); ++i) {
    SCOPED_TRACE(ascending[i] + " < " + ascending[i + 1]);
    EXPECT_LT(CompareDebianVersions(ascending[i], ascending[i + 1]), 0);
    EXPECT_GT(CompareDebianVersions(ascending[i + 1], ascending[i]), 0);
  }
  EXPECT_EQ(CompareDebianVersions("1.01", "1.1"), 0);
  EXPECT_EQ(CompareDebianVersions("0:1.0-1", "1.0-1"), 0);
  EXPECT_LT(CompareDebianVersions("3.0.11-1~deb12u1", "3.0.11-1~deb12u2"), 0);
  EXPECT_LT(CompareDebianVersions("2.36-9+deb12u3~", "2.36-9+deb12u3"), 0);
}

TEST(DebianPackages, PendingUpdatesAreInstalledPackagesWithANewerCandidate) {
  const std::string status =
      "Package: openssl\nStatus: install ok installed\nArchitecture: amd64\nVersion: 3.0.11-1\n"
      "Description: x\n continued line: not a field\n\n"
      "Package: gone\nStatus: deinstall ok config-files\nArchitecture: amd64\nVersion: 1\n\n"
      "Package: tzdata\nStatus: install ok installed\nArchitecture: all\nVersion: 2024a\n";
  const std::string packages =
      "Package: openssl\nArchitecture: amd64\nVersion: 3.0.11-2\n\n"
      "Package: openssl\nArchitecture: arm64\nVersion: 3.0.12-1\n\n"
      "Package: gone\nArchitecture: amd64\nVersion: 2\n\n"
      "Package: tzdata\nArchitecture: all\nVersion: 2024a\n";
  auto pending = FindPendingUpdates(status, packages);
  ASSERT_THAT(pending, SizeIs(1));
  EXPECT_EQ(pending[0].package, "openssl");
  EXPECT_EQ(pending[0].candidate, "3.0.11-2");
}

TEST(ListeningSockets, TcpListenAndUdpUnconnectedWithAddressesDecoded) {
  const std::string tcp =
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout "
      "inode\n"
      "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  0 0 11 1 0 100 "
      "0 0 10 0\n"
      "   1: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000  0 0 12 1 0 100 "
      "0 0 10 0\n";
  auto sockets = ParseListeningSockets(tcp, "tcp");
  ASSERT_THAT(sockets, SizeIs(1));
  EXPECT_EQ(sockets[0].Key(), "tcp:127.0.0.1:8080");
  EXPECT_EQ(sockets[0].inode, 11u);
  const std::string tcp6 =
      "  sl  local_address                         remote_address                        st "
      "tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
      "   0: 00000000000000000000000001000000:0277 00000000000000000000000000000000:0000 0A "
      "00000000:00000000 00:00000000 00000000  0 0 13 1 0 100 0 0 10 0\n";
  EXPECT_EQ(ParseListeningSockets(tcp6, "tcp6").at(0).Key(), "tcp:[::1]:631");
  const std::string udp =
      "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout "
      "inode ref pointer drops\n"
      "  100: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000  0 0 14 2 0 "
      "0\n";
  EXPECT_EQ(ParseListeningSockets(udp, "udp").at(0).Key(), "udp:0.0.0.0:68");
}

}  // namespace
}  // namespace vigil::agent
