// Parity with Prometheus's node_exporter (Debian's prometheus-node-exporter 1.5): on the same root,
// every series node_exporter exports from the collectors Vigil has also comes from vigil-agent,
// with the same name, labels and type; on fixtures every value is equal, on the live host sizes and
// configuration are equal and counters differ only by what elapsed between the two reads.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <set>

#include "config/agent_config.h"
#include "tests/support/exposition_parser.h"
#include "tests/support/fake_systemd.h"
#include "tests/support/free_port.h"
#include "tests/support/http_client.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/wait.h"

namespace vigil::testing {
namespace {

constexpr const char* kNodeExporter = "/usr/bin/prometheus-node-exporter";

// Upstream node_exporter's defaults where Debian's build differs (Debian excludes all of /run, the
// lo device and systemd's target units).
constexpr const char* kUpstreamMountPointsExclude =
    "^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)";
constexpr const char* kUpstreamSystemdUnitExclude = ".+\\.(automount|device|mount|scope|slice)";

struct Reads {
  ParsedExposition node_exporter;
  ParsedExposition vigil;
  double seconds_between = 0;
};

// Runs node_exporter on `root` with exactly Vigil's collectors, scrapes it once, then runs
// `vigil-agent --once` on the same root.
Reads ReadBoth(const std::string& root) {
  TempDir dir;
  const std::uint16_t port = FreeLoopbackPort();
  std::vector<std::string> argv = {
      kNodeExporter,
      "--web.listen-address=127.0.0.1:" + std::to_string(port),
      "--path.procfs=" + root + "/proc",
      "--path.sysfs=" + root + "/sys",
      "--path.rootfs=" + root,
      "--path.udev.data=" + root + "/run/udev/data",
      "--collector.disable-defaults",
      std::string("--collector.filesystem.mount-points-exclude=") + kUpstreamMountPointsExclude,
      std::string("--collector.systemd.unit-exclude=") + kUpstreamSystemdUnitExclude,
      "--collector.netdev.device-exclude=",
      "--collector.textfile.directory=" + root + "/textfile"};
  // netlink reads the live kernel whatever the root: fixtures are read through procfs, the live
  // host as node_exporter reads it by default (which adds receive_nohandler).
  if (root != "/") argv.push_back("--no-collector.netdev.netlink");
  for (const std::string& collector : config::kHealthCollectors) {
    argv.push_back("--collector." + collector);
  }
  auto exporter = Process::Start(argv, dir.File("ne.out"), dir.File("ne.err"));
  HttpResult scrape;
  EXPECT_TRUE(WaitFor([&] {
    scrape = HttpGet(port, "/metrics");
    return scrape.status == 200 || !exporter->Running();
  })) << exporter->Stderr();
  const auto between = std::chrono::steady_clock::now();
  std::string opt_ins;
  for (const std::string& collector : config::kHealthCollectorsOffByDefault) {
    opt_ins += (opt_ins.empty() ? "" : ", ") + collector + ": true";
  }
  const std::string config =
      dir.Write("agent.yaml",
                "agent: {id: parity}\ncollector: {address: \"127.0.0.1:1\", ca_file: x, "
                "token_file: y}\nhealth: {root: \"" +
                    root + "\", textfile: {directory: \"" + root + "/textfile\"}, collectors: {" +
                    opt_ins + "}}\nsecurity: {enabled: false}\n");
  CommandResult once = RunCommand({VIGIL_AGENT_BINARY, "--config", config, "--once"});
  EXPECT_EQ(once.exit_code, 0) << once.err;
  Reads reads{ParseExposition(scrape.body), ParseExposition(once.out)};
  reads.seconds_between =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - between).count() + 1;
  return reads;
}

// Everything but node_exporter's reports about itself (textfile metrics included).
bool IsHostSeries(const std::string& name) {
  for (const char* own : {"go_", "process_", "promhttp_", "node_scrape_"}) {
    if (name.rfind(own, 0) == 0) return false;
  }
  return name != "node_exporter_build_info";
}

std::string Describe(const ParsedSample& sample) {
  std::string out = sample.name + "{";
  for (const auto& [key, value] : sample.labels) out += key + "=\"" + value + "\",";
  return out + "}";
}

const ParsedSample* FindSame(const ParsedExposition& in, const ParsedSample& sample) {
  for (const ParsedSample& candidate : in.samples) {
    if (candidate.name == sample.name && candidate.labels == sample.labels) return &candidate;
  }
  return nullptr;
}

// Families whose label values are the moment's, not the host's: the TCP sockets open (through
// netlink, the live kernel's whatever the root) and the states processes happen to be in. Between
// the two reads a socket closes or a process wakes, so these are compared by family only.
bool Momentary(const std::string& name, bool live_host) {
  if (name == "node_tcp_connection_states") return true;
  return live_host && (name == "node_processes_state" || name == "node_processes_threads_state");
}

// Every node_exporter series is in Vigil's output with the same type; returns the pairs.
std::vector<std::pair<ParsedSample, ParsedSample>> ExpectSameSeries(const Reads& reads,
                                                                    bool live_host = false) {
  std::vector<std::pair<ParsedSample, ParsedSample>> pairs;
  for (const ParsedSample& theirs : reads.node_exporter.samples) {
    if (!IsHostSeries(theirs.name)) continue;
    if (Momentary(theirs.name, live_host)) {
      EXPECT_FALSE(reads.vigil.Find(theirs.name).empty()) << "vigil-agent lacks " << theirs.name;
      EXPECT_EQ(reads.vigil.types.at(theirs.name), reads.node_exporter.types.at(theirs.name))
          << theirs.name;
      continue;
    }
    const ParsedSample* ours = FindSame(reads.vigil, theirs);
    if (ours == nullptr) {
      ADD_FAILURE() << "vigil-agent lacks " << Describe(theirs);
      continue;
    }
    EXPECT_EQ(reads.vigil.types.at(theirs.name), reads.node_exporter.types.at(theirs.name))
        << theirs.name;
    pairs.emplace_back(theirs, *ours);
  }
  EXPECT_GT(pairs.size(), 50u) << "node_exporter exported too little to compare";
  return pairs;
}

// statfs of a fixture mount reads the real disk under the checkout, which others may be writing.
bool ReadsLiveDisk(const ParsedSample& sample) {
  static const std::set<std::string> kFree = {
      "node_filesystem_free_bytes", "node_filesystem_avail_bytes", "node_filesystem_files_free"};
  return kFree.count(sample.name) > 0;
}

// The kernel clock's discipline is the live kernel's whatever the root, and moves between the two
// reads when NTP steers it: compared by presence and type only.
bool ReadsLiveClock(const ParsedSample& sample) {
  static const std::set<std::string> kMoving = {
      "node_timex_offset_seconds",   "node_timex_frequency_adjustment_ratio",
      "node_timex_maxerror_seconds", "node_timex_estimated_error_seconds",
      "node_timex_status",           "node_timex_sync_status"};
  return kMoving.count(sample.name) > 0;
}

void ExpectFixtureParity(const std::string& fixture) {
  const Reads reads = ReadBoth(VIGIL_SOURCE_DIR "/tests/agent/fixtures/" + fixture);
  for (const auto& [theirs, ours] : ExpectSameSeries(reads)) {
    if (ReadsLiveClock(theirs)) continue;
    if (theirs.name == "node_time_seconds") {
      EXPECT_NEAR(ours.value, theirs.value, reads.seconds_between);
    } else if (ReadsLiveDisk(theirs)) {
      EXPECT_NEAR(ours.value, theirs.value, theirs.value * 0.01 + 1e6) << Describe(theirs);
    } else {
      EXPECT_EQ(ours.value, theirs.value) << Describe(theirs);
    }
  }
}

TEST(NodeExporterParity, AwkwardFixtureMatchesSeriesForSeriesAndValueForValue) {
  // 64 CPUs, mount points with spaces and tabs, devices with dots and dashes, udev properties,
  // a missing PSI file, no sockstat6, textfiles good and broken.
  ExpectFixtureParity("awkward");
}

TEST(NodeExporterParity, SparseFixtureMatchesToo) {
  // No /proc/1/mounts, no pressure, no snmp6, no udev, no clocksources, os-release in usr/lib.
  ExpectFixtureParity("sparse");
}

TEST(NodeExporterParity, LiveHostMatchesSizesExactlyAndCountersUpToElapsedTime) {
  const Reads reads = ReadBoth("/");
  static const std::set<std::string> kExact = {"node_memory_MemTotal_bytes",
                                               "node_memory_SwapTotal_bytes",
                                               "node_memory_Hugepagesize_bytes",
                                               "node_filesystem_size_bytes",
                                               "node_filesystem_files",
                                               "node_filesystem_readonly",
                                               "node_boot_time_seconds",
                                               "node_entropy_pool_size_bits",
                                               "node_filefd_maximum",
                                               "node_os_info",
                                               "node_os_version",
                                               "node_uname_info",
                                               "node_disk_info",
                                               "node_time_zone_offset_seconds",
                                               "node_time_clocksource_available_info",
                                               "node_time_clocksource_current_info"};
  for (const auto& [theirs, ours] : ExpectSameSeries(reads, /*live_host=*/true)) {
    const std::string& type = reads.node_exporter.types.at(theirs.name);
    if (kExact.count(theirs.name) > 0) {
      EXPECT_EQ(ours.value, theirs.value) << Describe(theirs);
    } else if (theirs.name == "node_cpu_seconds_total") {
      EXPECT_GE(ours.value, theirs.value) << Describe(theirs);
      EXPECT_LE(ours.value - theirs.value, reads.seconds_between) << Describe(theirs);
    } else if (type == "counter") {
      EXPECT_GE(ours.value, theirs.value) << Describe(theirs);
    }
  }
}

TEST(NodeExporterParity, SystemdOnTheSameBusMatchesSeriesForSeriesAndValueForValue) {
  // Both read the fake systemd's units over the bus named by DBUS_SYSTEM_BUS_ADDRESS: node_exporter
  // through go-systemd, vigil-agent through libdbus-1.
  TempDir dir;
  FakeSystemd systemd(dir);
  ASSERT_TRUE(systemd.problem().empty()) << systemd.problem();
  setenv("DBUS_SYSTEM_BUS_ADDRESS", systemd.address().c_str(), 1);
  const Reads reads = ReadBoth(VIGIL_SOURCE_DIR "/tests/agent/fixtures/sparse");
  unsetenv("DBUS_SYSTEM_BUS_ADDRESS");
  const auto is_systemd = [](const ParsedSample& sample) {
    return sample.name.rfind("node_systemd_", 0) == 0;
  };
  int compared = 0;
  for (const ParsedSample& theirs : reads.node_exporter.samples) {
    if (!is_systemd(theirs)) continue;
    const ParsedSample* ours = FindSame(reads.vigil, theirs);
    if (ours == nullptr) {
      ADD_FAILURE() << "vigil-agent lacks " << Describe(theirs);
      continue;
    }
    EXPECT_EQ(ours->value, theirs.value) << Describe(theirs);
    EXPECT_EQ(reads.vigil.types.at(theirs.name), reads.node_exporter.types.at(theirs.name))
        << theirs.name;
    ++compared;
  }
  for (const ParsedSample& ours : reads.vigil.samples) {
    if (is_systemd(ours)) {
      EXPECT_NE(FindSame(reads.node_exporter, ours), nullptr)
          << "only vigil-agent has " << Describe(ours);
    }
  }
  // Version, five summary states, five states of each of the six loaded units kept, three socket
  // counts, a timer and the system state.
  EXPECT_EQ(compared, 1 + 5 + 6 * 5 + 3 + 1 + 1);
}

// A Btrfs filesystem on a loop device, mounted for the life of the object.
class LoopBtrfs {
 public:
  explicit LoopBtrfs(const TempDir& dir) : mount_point_(dir.File("btrfs")) {
    std::filesystem::create_directories(mount_point_);
    const std::string image = dir.File("btrfs.img");
    std::filesystem::resize_file(dir.Write("btrfs.img", ""), 320u << 20);
    const CommandResult made = RunCommand({"mkfs.btrfs", "-q", "-L", "parity", image});
    if (made.exit_code != 0) {
      problem_ = "mkfs.btrfs failed: " + made.err;
      return;
    }
    const CommandResult mounted = RunCommand({"mount", "-o", "loop", image, mount_point_});
    if (mounted.exit_code != 0) {
      problem_ = "cannot mount a loop device here: " + mounted.err;
      return;
    }
    mounted_ = true;
    uuid_ = RunCommand({"findmnt", "-n", "-o", "UUID", mount_point_}).out;
    uuid_.erase(uuid_.find_last_not_of(" \n") + 1);
  }
  ~LoopBtrfs() {
    if (mounted_) RunCommand({"umount", mount_point_});
  }
  const std::string& problem() const { return problem_; }
  const std::string& uuid() const { return uuid_; }

 private:
  std::string mount_point_;
  std::string problem_;
  std::string uuid_;
  bool mounted_ = false;
};

TEST(NodeExporterParity, MountedBtrfsMatchesDeviceForDeviceThroughTheIoctls) {
  if (!std::filesystem::exists("/usr/sbin/mkfs.btrfs") || geteuid() != 0) {
    GTEST_SKIP() << "needs root and Debian's btrfs-progs";
  }
  TempDir dir;
  LoopBtrfs btrfs(dir);
  if (!btrfs.problem().empty()) GTEST_SKIP() << btrfs.problem();
  ASSERT_FALSE(btrfs.uuid().empty());
  const Reads reads = ReadBoth("/");
  int compared = 0;
  for (const ParsedSample& theirs : reads.node_exporter.samples) {
    if (theirs.name.rfind("node_btrfs_", 0) != 0 || theirs.labels.at("uuid") != btrfs.uuid())
      continue;
    const ParsedSample* ours = FindSame(reads.vigil, theirs);
    ASSERT_NE(ours, nullptr) << "vigil-agent lacks " << Describe(theirs);
    EXPECT_EQ(ours->value, theirs.value) << Describe(theirs);  // an idle filesystem does not move
    ++compared;
  }
  // Device sizes, free space and the five error counters come only from the ioctls.
  EXPECT_EQ(reads.vigil.Find("node_btrfs_device_errors_total", {{"uuid", btrfs.uuid()}}).size(),
            5u);
  EXPECT_EQ(reads.vigil.Find("node_btrfs_device_unused_bytes", {{"uuid", btrfs.uuid()}}).size(),
            1u);
  EXPECT_GE(compared, 15);
}

}  // namespace
}  // namespace vigil::testing
