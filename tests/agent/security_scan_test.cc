// Security scans of fixture trees: a vulnerable one that trips every check (after a drift between
// two scans), and a hardened one that passes every check.

#include <sys/stat.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "agent/security/scanner.h"
#include "common/time_format.h"
#include "tests/support/manual_clock.h"
#include "tests/support/temp_dir.h"

namespace vigil::agent {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

namespace fs = std::filesystem;

// Copies a fixture tree and applies its MODES file (git keeps no permissions but the x bit).
void CopyFixture(const std::string& name, const fs::path& to) {
  const fs::path from = fs::path(VIGIL_SOURCE_DIR) / "tests/agent/fixtures/security" / name;
  fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  std::ifstream modes(from / "MODES");
  std::string mode, path;
  while (modes >> mode) {
    if (mode.front() == '#') {
      std::getline(modes, path);
      continue;
    }
    modes >> path;
    ASSERT_EQ(chmod((to / path).c_str(), static_cast<mode_t>(std::stoul(mode, nullptr, 8))), 0)
        << path;
  }
}

SecurityScanner::Options Only(const std::string& check) {
  SecurityScanner::Options options;
  options.only = {check};
  return options;
}

SecurityScanner::Options Accepting(const std::string& check) {
  SecurityScanner::Options options;
  options.accept = {check};
  return options;
}

void Append(const fs::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::app);
  out << text;
}

class SecurityScanTest : public ::testing::Test {
 protected:
  SecurityScanTest() : clock_(TimePointOf("2026-11-27T12:00:00Z")) {}

  static std::chrono::system_clock::time_point TimePointOf(const char* text) {
    return std::chrono::system_clock::time_point(std::chrono::milliseconds(*ParseRfc3339(text)));
  }

  config::AgentConfig::Security Config(const std::string& tree) {
    config::AgentConfig::Security security;
    security.root = dir_.File(tree);
    security.checks["tls.cert_expiry"].files = {"/etc/ssl/shop.pem"};
    security.checks["fim.changed"].paths = {"/etc/passwd", "/etc/ssh"};
    return security;
  }

  static std::set<std::string> Checks(const std::vector<Finding>& findings) {
    std::set<std::string> out;
    for (const Finding& f : findings) out.insert(f.check);
    return out;
  }
  static std::vector<const Finding*> Of(const ScanReport& report, const std::string& check) {
    std::vector<const Finding*> out;
    for (const Finding& f : report.findings) {
      if (f.check == check) out.push_back(&f);
    }
    return out;
  }
  static std::optional<double> Sample(const ScanReport& report, const std::string& name,
                                      const std::string& label, const std::string& value) {
    for (const wire::MetricFamily& family : report.families) {
      if (family.name() != name) continue;
      for (const wire::Series& series : family.series()) {
        if (label.empty()) return series.value();
        for (const wire::Label& l : series.labels()) {
          if (l.name() == label && l.value() == value) return series.value();
        }
      }
    }
    return std::nullopt;
  }

  vigil::testing::TempDir dir_;
  vigil::testing::ManualClock clock_;
};

TEST_F(SecurityScanTest, TheVulnerableTreeTripsEveryCheckOnceItHasDrifted) {
  const fs::path root = dir_.File("vulnerable");
  CopyFixture("vulnerable", root);
  SecurityScanner scanner(Config("vulnerable"), dir_.File("state"), clock_);

  const ScanReport first = scanner.Scan();
  EXPECT_THAT(first.errors, IsEmpty());
  EXPECT_TRUE(first.resync);
  // Baselines are taken: no drift yet, and no failed logins counted before the first scan.
  for (const char* drift :
       {"files.suid_new", "fim.changed", "net.listening_new", "auth.failed_logins"}) {
    EXPECT_EQ(Checks(first.findings).count(drift), 0u) << drift;
    EXPECT_EQ(Sample(first, "vigil_security_check_passed", "check", drift), 1) << drift;
  }

  // The host drifts: a SUID bit, an edited watched file, a new listener, a brute-force attempt.
  ASSERT_EQ(chmod((root / "usr/bin/helper").c_str(), 04755), 0);
  Append(root / "etc/passwd", "intruder:x:1002:1002::/tmp:/bin/sh\n");
  Append(root / "proc/net/tcp",
         "   3: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        "
         "0 2001 1 0 100 0 0 10 0\n");
  for (int i = 0; i < 12; ++i) {
    Append(root / "var/log/auth.log",
           "Nov 27 11:00:0" + std::to_string(i % 10) +
               " web-01 sshd[200]: Failed password for root from 203.0.113.7 port 4" +
               std::to_string(i) + " ssh2\n");
  }
  Append(root / "var/log/auth.log",
         "Nov 27 11:01:00 web-01 sshd[200]: pam_unix(sshd:auth): authentication failure; "
         "rhost=203.0.113.7\n");
  clock_.Advance(std::chrono::hours(1));
  const ScanReport second = scanner.Scan();
  EXPECT_THAT(second.errors, IsEmpty());
  EXPECT_FALSE(second.resync);
  for (const std::string& check : config::kSecurityChecks) {
    EXPECT_EQ(Checks(second.findings).count(check), 1u) << check << " found nothing";
    EXPECT_EQ(Sample(second, "vigil_security_check_passed", "check", check), 0) << check;
  }

  // What each found, where the parsers had to work for it.
  std::set<std::string> keys;
  for (const Finding& f : second.findings) keys.insert(f.check + " " + f.key);
  EXPECT_THAT(keys, Contains("ssh.permit_root_login global"));
  EXPECT_THAT(keys, Contains("ssh.password_authentication global"));  // from the included file
  EXPECT_THAT(keys, Contains("ssh.password_authentication Match User backup"));
  for (const Finding* f : Of(second, "ssh.password_authentication")) {
    if (f->key == "global") {
      EXPECT_THAT(f->evidence,
                  HasSubstr("/etc/ssh/sshd_config.d/50-cloud.conf:1: PasswordAuthentication yes"));
    }
  }
  EXPECT_THAT(keys, Contains("ssh.permit_empty_passwords global"));
  EXPECT_THAT(keys, Contains("accounts.uid0 toor"));
  EXPECT_THAT(keys, Contains("accounts.empty_password guest"));  // empty in passwd
  EXPECT_THAT(keys, Contains("accounts.empty_password temp"));   // empty in shadow
  EXPECT_EQ(Of(second, "accounts.empty_password").size(), 2u);   // "!" and "*" are locked
  EXPECT_THAT(keys, Contains("accounts.sudo_nopasswd %ops in /etc/sudoers.d/ops"));
  EXPECT_THAT(keys, Contains("accounts.sudo_nopasswd deploy in /etc/sudoers.d/deploy"));
  EXPECT_EQ(Of(second, "accounts.sudo_nopasswd").size(), 2u);
  EXPECT_THAT(keys, Contains("files.world_writable /usr/local/share/app"));
  EXPECT_THAT(keys, Contains("files.world_writable /usr/local/share/app/app.conf"));
  EXPECT_THAT(keys, Contains("files.suid_new /usr/bin/helper"));
  EXPECT_THAT(keys, Contains("fim.changed /etc/passwd"));
  EXPECT_THAT(keys, Contains("net.listening_new tcp:0.0.0.0:8080"));
  EXPECT_EQ(Of(second, "net.listening_new").size(), 1u);
  EXPECT_THAT(Of(second, "net.listening_new")[0]->evidence, HasSubstr("nginx (pid 4242)"));
  EXPECT_EQ(Of(second, "tls.cert_expiry")[0]->severity, "medium");  // 8 days left
  EXPECT_THAT(Of(second, "updates.security_pending")[0]->title,
              HasSubstr("1 security update pending"));
  EXPECT_THAT(Of(second, "updates.security_pending")[0]->evidence,
              HasSubstr("openssl 3.0.11-1~deb12u1 -> 3.0.11-1~deb12u2 (Debian-Security)"));
  EXPECT_EQ(Sample(second, "vigil_security_updates_pending", "origin", "Debian-Security"), 1);
  std::set<std::string> sysctls;
  for (const Finding* f : Of(second, "sysctl.hardening")) sysctls.insert(f->key);
  EXPECT_EQ(sysctls,
            (std::set<std::string>{"kernel.randomize_va_space", "kernel.kptr_restrict",
                                   "fs.protected_symlinks", "net.ipv4.tcp_syncookies",
                                   "net.ipv4.conf.all.accept_redirects", "net.ipv4.ip_forward"}));
  // 12 sshd failures; PAM's line for the same attempts is not counted twice.
  EXPECT_THAT(Of(second, "auth.failed_logins")[0]->title, HasSubstr("12 failed logins"));
  EXPECT_THAT(Of(second, "auth.failed_logins")[0]->evidence, HasSubstr("203.0.113.7 (12)"));
  EXPECT_EQ(Of(second, "firewall.inactive").size(), 1u);
  EXPECT_EQ(Sample(second, "vigil_listening_sockets", "proto", "tcp"), 3);
  EXPECT_TRUE(
      Sample(second, "vigil_tls_cert_not_after_timestamp_seconds", "path", "/etc/ssl/shop.pem"));
  std::set<std::string> appeared = Checks(second.changes.appeared);
  EXPECT_EQ(appeared, (std::set<std::string>{"files.suid_new", "fim.changed", "net.listening_new",
                                             "auth.failed_logins"}));

  // Reverted: the drift findings clear (and the failed logins, with no new ones).
  ASSERT_EQ(chmod((root / "usr/bin/helper").c_str(), 0755), 0);
  fs::copy_file(fs::path(VIGIL_SOURCE_DIR) / "tests/agent/fixtures/security/vulnerable/etc/passwd",
                root / "etc/passwd", fs::copy_options::overwrite_existing);
  fs::copy_file(
      fs::path(VIGIL_SOURCE_DIR) / "tests/agent/fixtures/security/vulnerable/proc/net/tcp",
      root / "proc/net/tcp", fs::copy_options::overwrite_existing);
  const ScanReport third = scanner.Scan();
  EXPECT_EQ(Checks(third.changes.cleared), appeared);
  EXPECT_THAT(third.changes.appeared, IsEmpty());
}

TEST_F(SecurityScanTest, TheHardenedTreePassesEveryCheck) {
  CopyFixture("hardened", dir_.File("hardened"));
  SecurityScanner scanner(Config("hardened"), dir_.File("state"), clock_);
  scanner.Scan();
  clock_.Advance(std::chrono::hours(1));
  Append(fs::path(dir_.File("hardened")) / "var/log/auth.log",
         "Nov 27 11:00:00 web-01 sshd[200]: Failed password for ann from 192.0.2.10 port 1 ssh2\n");
  const ScanReport second = scanner.Scan();
  EXPECT_THAT(second.errors, IsEmpty());
  for (const Finding& f : second.findings)
    ADD_FAILURE() << f.check << ": " << f.title << " — " << f.evidence;
  for (const std::string& check : config::kSecurityChecks) {
    EXPECT_EQ(Sample(second, "vigil_security_check_passed", "check", check), 1) << check;
  }
  EXPECT_EQ(Sample(second, "vigil_security_check_errors_total", "check", "firewall.inactive"), 0);
}

TEST_F(SecurityScanTest, AcceptingABaselineClearsItsDriftAndDisabledChecksDoNotRun) {
  const fs::path root = dir_.File("vulnerable");
  CopyFixture("vulnerable", root);
  config::AgentConfig::Security config = Config("vulnerable");
  config.checks["firewall.inactive"].enabled = false;
  config.checks["accounts.uid0"].severity = "low";
  SecurityScanner scanner(config, dir_.File("state"), clock_);
  scanner.Scan();
  ASSERT_EQ(chmod((root / "usr/bin/helper").c_str(), 02755), 0);
  EXPECT_EQ(Checks(scanner.Scan().findings).count("files.suid_new"), 1u);
  const ScanReport accepted = scanner.Scan(Accepting("files.suid_new"));
  EXPECT_EQ(Checks(accepted.findings).count("files.suid_new"), 0u);
  const ScanReport after = scanner.Scan();
  EXPECT_EQ(Checks(after.findings).count("files.suid_new"), 0u);
  EXPECT_EQ(Checks(after.findings).count("firewall.inactive"), 0u);
  EXPECT_FALSE(Sample(after, "vigil_security_check_passed", "check", "firewall.inactive"));
  EXPECT_EQ(Of(after, "accounts.uid0")[0]->severity, "low");
}

TEST_F(SecurityScanTest, UdpClientsOnEphemeralPortsAreNotNewListenersUnlessAskedFor) {
  const fs::path root = dir_.File("vulnerable");
  CopyFixture("vulnerable", root);
  std::ofstream(root / "proc/sys/net/ipv4/ip_local_port_range") << "40000\t45000\n";
  config::AgentConfig::Security config = Config("vulnerable");
  SecurityScanner scanner(config, dir_.File("state"), clock_);
  config.checks["net.listening_new"].ephemeral_udp = true;
  SecurityScanner strict(config, dir_.File("strict-state"), clock_);
  scanner.Scan();
  strict.Scan();
  const auto udp = [](const char* local, int inode) {
    return std::string("  101: ") + local + " 00000000:0000 07 00000000:00000000 00:00000000 " +
           "00000000  1000        0 " + std::to_string(inode) + " 2 0000000000000000 0\n";
  };
  Append(root / "proc/net/udp", udp("00000000:A0F4", 2002));  // a statsd client on 0.0.0.0:41204
  Append(root / "proc/net/udp", udp("00000000:CA6C", 0));     // WireGuard on 51820: the kernel's
  Append(root / "proc/net/udp", udp("0100007F:A0F5", 2003));  // bound on purpose to 127.0.0.1
  Append(root / "proc/net/udp", udp("00000000:1388", 2004));  // 0.0.0.0:5000, outside the range
  const auto listeners = [](const ScanReport& report) {
    std::set<std::string> keys;
    for (const Finding* f : Of(report, "net.listening_new")) keys.insert(f->key);
    return keys;
  };
  const ScanReport second = scanner.Scan();
  EXPECT_EQ(listeners(second), (std::set<std::string>{"udp:0.0.0.0:51820", "udp:127.0.0.1:41205",
                                                      "udp:0.0.0.0:5000"}));
  EXPECT_EQ(Sample(second, "vigil_listening_sockets", "proto", "udp"), 5);  // counted all the same
  EXPECT_EQ(listeners(strict.Scan()).count("udp:0.0.0.0:41204"), 1u);
}

TEST_F(SecurityScanTest, AnUnchangedFileIsNotHashedAgainAndTheHashBudgetMakesAScanPartial) {
  const fs::path root = dir_.File("vulnerable");
  CopyFixture("vulnerable", root);
  config::AgentConfig::Security config = Config("vulnerable");
  config.budget.max_hash_bytes = 1;  // nothing can be hashed
  {
    SecurityScanner scanner(config, dir_.File("state"), clock_);
    const ScanReport starved = scanner.Scan(Only("fim.changed"));
    EXPECT_TRUE(starved.partial);
    EXPECT_EQ(Sample(starved, "vigil_security_scan_partial", "", ""), 1);
  }
  config.budget.max_hash_bytes = 1ULL << 30;
  SecurityScanner scanner(config, dir_.File("state2"), clock_);
  EXPECT_FALSE(scanner.Scan(Only("fim.changed")).partial);
  // With the budget gone, only a file whose size, times or inode changed could be hashed.
  config.budget.max_hash_bytes = 1;
  SecurityScanner starved(config, dir_.File("state2"), clock_);
  const ScanReport unchanged = starved.Scan(Only("fim.changed"));
  EXPECT_FALSE(unchanged.partial);
  EXPECT_THAT(unchanged.findings, IsEmpty());
}

TEST_F(SecurityScanTest, AnUnreadableFileOrACutScanClearsNoFinding) {
  const fs::path root = dir_.File("vulnerable");
  CopyFixture("vulnerable", root);
  const auto has = [](const std::vector<Finding>& findings, const std::string& check,
                      const std::string& key) {
    return std::any_of(findings.begin(), findings.end(),
                       [&](const Finding& f) { return f.check == check && f.key == key; });
  };
  {
    SecurityScanner scanner(Config("vulnerable"), dir_.File("state"), clock_);
    const ScanReport first = scanner.Scan();
    ASSERT_TRUE(has(first.findings, "accounts.empty_password", "temp"));
    ASSERT_TRUE(has(first.findings, "files.world_writable", "/usr/local/share/app"));

    // /etc/shadow cannot be read (a folder stands in its place; root reads any file): the check
    // reaches no verdict, and what it found before stands.
    const fs::path shadow = root / "etc/shadow";
    fs::rename(shadow, root / "etc/shadow.saved");
    fs::create_directory(shadow);
    const ScanReport unreadable = scanner.Scan();
    EXPECT_THAT(unreadable.errors, Contains(HasSubstr("accounts.empty_password")));
    EXPECT_FALSE(has(unreadable.changes.cleared, "accounts.empty_password", "temp"));
    EXPECT_TRUE(has(unreadable.to_remember, "accounts.empty_password", "temp"));
    EXPECT_FALSE(
        Sample(unreadable, "vigil_security_check_passed", "check", "accounts.empty_password"));

    // Readable again: the finding is still the one it was, not a new one.
    fs::remove(shadow);
    fs::rename(root / "etc/shadow.saved", shadow);
    const ScanReport readable = scanner.Scan();
    EXPECT_TRUE(has(readable.findings, "accounts.empty_password", "temp"));
    EXPECT_FALSE(has(readable.changes.appeared, "accounts.empty_password", "temp"));
  }
  // A scan stopped before its walks finish knows nothing of the files it did not reach.
  SecurityScanner cut(Config("vulnerable"), dir_.File("state"), clock_);
  cut.Cancel();
  const ScanReport partial = cut.Scan();
  ASSERT_TRUE(partial.partial);
  EXPECT_FALSE(has(partial.findings, "files.world_writable", "/usr/local/share/app"));
  EXPECT_FALSE(has(partial.changes.cleared, "files.world_writable", "/usr/local/share/app"));
  EXPECT_TRUE(has(partial.to_remember, "files.world_writable", "/usr/local/share/app"));
}

}  // namespace
}  // namespace vigil::agent
