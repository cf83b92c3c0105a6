#pragma once
// What a security check may use during a scan: the host's files below the scan root, the agent's
// state folder (baselines), the scan's budgets, and the clock. Checks read only through it, so
// tests point a scan at a fixture tree and budgets hold for every check.

#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/clock.h"
#include "common/proto/vigil.pb.h"
#include "common/result.h"
#include "config/agent_config.h"

namespace vigil::agent {

struct ScanBudget {
  std::int64_t files_per_second = 20000;
  std::chrono::milliseconds max_duration{std::chrono::minutes(10)};
  std::uint64_t max_hash_bytes = 1ULL << 30;
};

// One entry met while walking: its host path (without the root) and lstat(2).
struct WalkedFile {
  std::string path;
  struct stat info;
};

class ScanContext {
 public:
  ScanContext(const config::AgentConfig::Security& config, std::string state_dir,
              const Clock& clock);

  const std::string& root() const { return root_; }
  const config::AgentConfig::Security& config() const { return config_; }
  const Clock& clock() const { return clock_; }

  // The host file `host_path` ("/etc/passwd"), read below the root; at most 64 MiB.
  Result<std::string> Read(const std::string& host_path) const;
  // The names in a host folder, sorted; empty when it cannot be read.
  std::vector<std::string> List(const std::string& host_path) const;
  // The target of a symbolic link ("socket:[1234]" for a /proc/PID/fd entry).
  std::optional<std::string> ReadLink(const std::string& host_path) const;
  // lstat(2) of a host path.
  std::optional<struct stat> Stat(const std::string& host_path) const;
  // Paths matching a glob ("/etc/ssh/sshd_config.d/*.conf"), as host paths, sorted.
  std::vector<std::string> Glob(const std::string& host_pattern) const;

  // Walks each host folder in `tops` (not following symbolic links, not leaving the folder's
  // filesystem) and calls `visit` for every entry, within the files-per-second and time budgets.
  // False when a budget cut the walk short. What one walk saw serves later walks of the same
  // folders (or folders inside them) in the same scan, so checks that look at the same tree read
  // it once.
  bool Walk(const std::vector<std::string>& tops,
            const std::function<void(const WalkedFile&)>& visit);

  // The SHA-256 of a host file as lowercase hex, charged to the hashing budget; an error
  // "budget" when the budget is spent.
  Result<std::string> Sha256(const std::string& host_path);

  // Baselines and other state kept between scans, as JSON documents named `name`.
  std::optional<nlohmann::json> LoadState(const std::string& name) const;
  Status SaveState(const std::string& name, const nlohmann::json& value) const;
  // The same for state too large for JSON to be cheap (the FIM records of 100,000 files): the
  // file `file_name` holds `text` as it is.
  std::optional<std::string> LoadStateFile(const std::string& file_name) const;
  Status SaveStateFile(const std::string& file_name, const std::string& text) const;

  // Checks whose baseline is to be accepted as it is now (vigil-agent baseline accept).
  bool Accepting(const std::string& check) const { return accept_.count(check) > 0; }
  void SetAccepting(std::set<std::string> checks) { accept_ = std::move(checks); }

  // Check-specific families (vigil_tls_cert_not_after_timestamp_seconds, ...).
  std::vector<wire::MetricFamily>& families() { return families_; }

  // True once a budget was reached; the scan reports itself partial.
  bool partial() const { return partial_; }
  void MarkPartial() { partial_ = true; }
  bool OutOfTime() const;

  void SetBudget(const ScanBudget& budget) { budget_ = budget; }
  // Read-only: state is read but never written (vigil-agent --once).
  void SetReadOnly(bool read_only) { read_only_ = read_only; }
  // Polled while walking and hashing: a cancelled scan stops as if out of time.
  void SetCancelled(const std::atomic<bool>* cancelled) { cancelled_ = cancelled; }

 private:
  std::string HostToLocal(const std::string& host_path) const;
  void Pace();  // files-per-second budget

  const config::AgentConfig::Security& config_;
  std::string root_;
  std::string state_dir_;
  const Clock& clock_;
  ScanBudget budget_;
  std::chrono::steady_clock::time_point started_;
  std::uint64_t files_seen_ = 0;
  std::uint64_t bytes_hashed_ = 0;
  std::set<std::string> accept_;
  std::vector<wire::MetricFamily> families_;
  std::map<std::string, std::vector<WalkedFile>> walked_;  // by top, for later walks
  bool partial_ = false;
  bool read_only_ = false;
  const std::atomic<bool>* cancelled_ = nullptr;
};

}  // namespace vigil::agent
