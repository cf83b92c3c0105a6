// Measures the security scan on a tree of many files: the first scan (which hashes every watched
// file and takes the baselines) against a second scan of the unchanged tree (which may hash
// nothing: size, times and inode are unchanged). Each scan runs in its own child process, so its
// CPU time and peak RSS are its own. Prints figures and the ratio; asserts nothing.
//
// usage: security_scan [FILES] [BYTES_PER_FILE]   (default 100000 files of 16384 bytes, about
// the mean size of a file under /usr)

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "agent/security/scanner.h"
#include "common/clock.h"

namespace {

struct Cost {
  double cpu_seconds = 0;     // user + system
  double system_seconds = 0;  // of which in the kernel: readdir, lstat, read
  double peak_rss_mib = 0;
  double wall_seconds = 0;
};

// Runs one scan in a child process and returns what it cost.
Cost ScanInChild(const vigil::config::AgentConfig::Security& config, const std::string& state) {
  const auto started = std::chrono::steady_clock::now();
  const pid_t child = fork();
  if (child == 0) {
    vigil::agent::SecurityScanner scanner(config, state, vigil::RealClock());
    const vigil::agent::ScanReport report = scanner.Scan();
    for (const std::string& error : report.errors)
      std::fprintf(stderr, "scan error: %s\n", error.c_str());
    _exit(report.partial || !report.errors.empty() ? 1 : 0);
  }
  int status = 0;
  rusage usage{};
  wait4(child, &status, 0, &usage);
  Cost cost;
  cost.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  cost.cpu_seconds = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                     static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  cost.system_seconds = static_cast<double>(usage.ru_stime.tv_sec) +
                        static_cast<double>(usage.ru_stime.tv_usec) / 1e6;
  cost.peak_rss_mib = static_cast<double>(usage.ru_maxrss) / 1024.0;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "the scan reported errors or was partial\n");
  }
  return cost;
}

}  // namespace

int main(int argc, char** argv) {
  const int files = argc > 1 ? std::atoi(argv[1]) : 100000;
  const int bytes = argc > 2 ? std::atoi(argv[2]) : 16384;
  namespace fs = std::filesystem;
  const fs::path root =
      fs::temp_directory_path() / ("vigil-scan-bench-" + std::to_string(getpid()));
  std::string content(static_cast<std::size_t>(bytes), 'x');
  for (int i = 0; i < files; ++i) {
    const fs::path folder = root / "srv" / ("d" + std::to_string(i / 1000));
    if (i % 1000 == 0) fs::create_directories(folder);
    content[0] = static_cast<char>('a' + i % 26);
    std::ofstream(folder / ("f" + std::to_string(i))) << content << i;
  }
  vigil::config::AgentConfig::Security config;
  config.root = root.string();
  config.budget.files_per_second = 100'000'000;
  config.budget.max_hash_bytes = 1ULL << 40;
  config.checks["fim.changed"].paths = {"/srv"};
  config.checks["files.world_writable"].paths = {"/srv"};
  config.checks["files.suid_new"].paths = {"/srv"};
  // Only the checks that walk the tree: the others would read files the synthetic tree lacks.
  for (const std::string& check : vigil::config::kSecurityChecks)
    config.checks[check].enabled = false;
  for (const char* check : {"fim.changed", "files.world_writable", "files.suid_new"}) {
    config.checks[check].enabled = true;
  }
  const std::string state = (root / "state").string();

  const Cost first = ScanInChild(config, state);
  const Cost second = ScanInChild(config, state);
  std::printf("security scan of %d files of %d bytes (FIM, world-writable and SUID over all)\n",
              files, bytes);
  for (const auto& [name, cost] :
       {std::pair{"first scan: ", first}, std::pair{"second scan:", second}}) {
    std::printf("  %s %.3f s CPU (%.3f s in the kernel), %.3f s wall, peak RSS %.1f MiB\n", name,
                cost.cpu_seconds, cost.system_seconds, cost.wall_seconds, cost.peak_rss_mib);
  }
  std::printf("  second/first CPU: %.3f (aim: under 0.1)\n",
              second.cpu_seconds / first.cpu_seconds);
  fs::remove_all(root);
  return 0;
}
