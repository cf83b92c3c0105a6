#include "agent/collectors/filesystem.h"

#include <sys/vfs.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <tuple>

#include "agent/collectors/text.h"
#include "common/metric_builder.h"

namespace vigil::agent {
namespace {

constexpr auto kStatTimeout = std::chrono::seconds(5);

std::string DecodeMountPath(std::string_view field) {
  std::string out;
  out.reserve(field.size());
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field.substr(i, 4) == "\\040") {
      out += ' ';
      i += 3;
    } else if (field.substr(i, 4) == "\\011") {
      out += '\t';
      i += 3;
    } else {
      out += field[i];
    }
  }
  return out;
}

std::string UnderRoot(const std::string& root, const std::string& path) {
  if (root.empty() || root == "/") return path;
  std::string joined = root;
  if (joined.back() == '/') joined.pop_back();
  return joined + path;
}

}  // namespace

Result<FilesystemUsage> StatNow(const std::string& path) {
  NoteHostAccess(HostAccess::kStatfs, path);
  struct statfs buffer {};
  if (statfs(path.c_str(), &buffer) != 0) {
    return MakeError(ErrorCode::kIoError, "statfs " + path + ": " + std::strerror(errno));
  }
  // Blocks times f_bsize, as node_exporter computes it (f_frsize equals it on Linux filesystems).
  const double block = static_cast<double>(buffer.f_bsize);
  return FilesystemUsage{static_cast<double>(buffer.f_blocks) * block,
                         static_cast<double>(buffer.f_bfree) * block,
                         static_cast<double>(buffer.f_bavail) * block,
                         static_cast<double>(buffer.f_files), static_cast<double>(buffer.f_ffree)};
}

namespace {

// A call that does not answer within the timeout is abandoned with its worker (which stays blocked
// in the kernel until the mount answers) and a new worker serves the next calls.
class BoundedStat {
 public:
  BoundedStat(StatFilesystem blocking, std::chrono::milliseconds timeout)
      : blocking_(std::move(blocking)), timeout_(timeout) {}
  BoundedStat(const BoundedStat&) = delete;
  BoundedStat& operator=(const BoundedStat&) = delete;
  ~BoundedStat() {
    if (worker_) worker_->Stop();
    for (auto& [path, worker] : stuck_) worker->Stop();
  }

  Result<FilesystemUsage> operator()(const std::string& path) {
    if (auto stuck = stuck_.find(path); stuck != stuck_.end()) {
      if (!stuck->second->Idle())
        return MakeError(ErrorCode::kIoError, "statfs " + path + ": still stuck");
      stuck->second->Stop();
      stuck_.erase(stuck);
    }
    if (!worker_) worker_ = Worker::Start(blocking_);
    std::optional<Result<FilesystemUsage>> answer = worker_->Call(path, timeout_);
    if (!answer) {
      stuck_.emplace(path, std::move(worker_));  // a fresh worker serves the next call
      return MakeError(ErrorCode::kIoError, "statfs " + path + ": timed out");
    }
    return std::move(*answer);
  }

 private:
  // One thread that runs statfs calls handed to it, one at a time.
  class Worker {
   public:
    static std::shared_ptr<Worker> Start(StatFilesystem blocking) {
      auto worker = std::shared_ptr<Worker>(new Worker(std::move(blocking)));
      // The thread holds the worker alive, so an abandoned one can finish its call safely.
      std::thread([worker] { worker->Loop(); }).detach();
      return worker;
    }
    std::optional<Result<FilesystemUsage>> Call(const std::string& path,
                                                std::chrono::milliseconds timeout) {
      std::unique_lock lock(mutex_);
      request_ = path;
      answer_.reset();
      wake_.notify_all();
      if (!done_.wait_for(lock, timeout, [this] { return answer_.has_value(); })) {
        return std::nullopt;
      }
      std::optional<Result<FilesystemUsage>> answer = std::move(answer_);
      answer_.reset();
      return answer;
    }
    bool Idle() {
      std::lock_guard lock(mutex_);
      return !request_.has_value();
    }
    void Stop() {
      std::lock_guard lock(mutex_);
      stopping_ = true;
      wake_.notify_all();
    }

   private:
    explicit Worker(StatFilesystem blocking) : blocking_(std::move(blocking)) {}
    void Loop() {
      std::unique_lock lock(mutex_);
      for (;;) {
        wake_.wait(lock, [this] { return request_.has_value() || stopping_; });
        if (stopping_) return;
        const std::string path = *request_;
        lock.unlock();
        Result<FilesystemUsage> result = blocking_(path);
        lock.lock();
        request_.reset();
        answer_ = std::move(result);
        done_.notify_all();
      }
    }
    StatFilesystem blocking_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable done_;
    std::optional<std::string> request_;             // guarded by mutex_
    std::optional<Result<FilesystemUsage>> answer_;  // guarded by mutex_
    bool stopping_ = false;                          // guarded by mutex_
  };

  StatFilesystem blocking_;
  std::chrono::milliseconds timeout_;
  std::shared_ptr<Worker> worker_;
  std::map<std::string, std::shared_ptr<Worker>> stuck_;
};

class FilesystemCollector final : public Collector {
 public:
  explicit FilesystemCollector(FilesystemOptions options)
      : options_(std::move(options)),
        mount_points_("", options_.mount_points_exclude),
        fs_types_("", options_.fs_types_exclude),
        stat_remote_(MakeBoundedStat(&StatNow, kStatTimeout)) {}

  const std::string& name() const override { return name_; }

  Result<std::vector<wire::MetricFamily>> Collect() override {
    Result<std::string> text = ReadFileUnderRoot(options_.root, "proc/1/mounts");
    if (!text) text = ReadFileUnderRoot(options_.root, "proc/mounts");
    if (!text) return text.error();
    Result<std::vector<MountEntry>> mounts = ParseMounts(*text);
    if (!mounts) return mounts.error();
    return FilesystemFamilies(*mounts, mount_points_, fs_types_, options_.root, &StatNow,
                              stat_remote_);
  }

 private:
  const std::string name_ = "filesystem";
  FilesystemOptions options_;
  NameFilter mount_points_;
  NameFilter fs_types_;
  StatFilesystem stat_remote_;
};

}  // namespace

Result<std::vector<MountEntry>> ParseMounts(std::string_view text) {
  std::vector<MountEntry> mounts;
  for (std::string_view line : SplitLines(text)) {
    const std::vector<std::string_view> fields = SplitFields(line);
    if (fields.empty()) continue;
    if (fields.size() < 4) {
      return MakeError(ErrorCode::kParseFailed,
                       "malformed mount point information: \"" + std::string(line) + "\"");
    }
    mounts.push_back({std::string(fields[0]), DecodeMountPath(fields[1]), std::string(fields[2]),
                      std::string(fields[3])});
  }
  return mounts;
}

std::vector<wire::MetricFamily> FilesystemFamilies(const std::vector<MountEntry>& mounts,
                                                   NameFilter& mount_points, NameFilter& fs_types,
                                                   const std::string& root,
                                                   const StatFilesystem& stat_local,
                                                   const StatFilesystem& stat_remote) {
  using wire::METRIC_TYPE_GAUGE;
  auto device_error =
      MakeFamily("node_filesystem_device_error",
                 "Whether an error occurred while getting statistics for the given device.",
                 METRIC_TYPE_GAUGE);
  auto size =
      MakeFamily("node_filesystem_size_bytes", "Filesystem size in bytes.", METRIC_TYPE_GAUGE);
  auto free = MakeFamily("node_filesystem_free_bytes", "Filesystem free space in bytes.",
                         METRIC_TYPE_GAUGE);
  auto avail =
      MakeFamily("node_filesystem_avail_bytes",
                 "Filesystem space available to non-root users in bytes.", METRIC_TYPE_GAUGE);
  auto files =
      MakeFamily("node_filesystem_files", "Filesystem total file nodes.", METRIC_TYPE_GAUGE);
  auto files_free = MakeFamily("node_filesystem_files_free", "Filesystem total free file nodes.",
                               METRIC_TYPE_GAUGE);
  auto readonly =
      MakeFamily("node_filesystem_readonly", "Filesystem read-only status.", METRIC_TYPE_GAUGE);
  std::set<std::tuple<std::string, std::string, std::string>> seen;
  for (const MountEntry& mount : mounts) {
    if (!mount_points.Keep(mount.mount_point) || !fs_types.Keep(mount.fs_type)) continue;
    if (!seen.emplace(mount.device, mount.mount_point, mount.fs_type).second) continue;
    const LabelPairs labels = {
        {"device", mount.device}, {"fstype", mount.fs_type}, {"mountpoint", mount.mount_point}};
    const StatFilesystem& stat = MayBlock(mount.fs_type) ? stat_remote : stat_local;
    Result<FilesystemUsage> usage = stat(UnderRoot(root, mount.mount_point));
    AddSeries(device_error, usage ? 0 : 1, labels);
    if (!usage) continue;
    bool is_readonly = false;
    std::size_t start = 0;
    while (start <= mount.options.size()) {
      std::size_t comma = mount.options.find(',', start);
      if (comma == std::string::npos) comma = mount.options.size();
      if (mount.options.compare(start, comma - start, "ro") == 0) is_readonly = true;
      start = comma + 1;
    }
    AddSeries(size, usage->size_bytes, labels);
    AddSeries(free, usage->free_bytes, labels);
    AddSeries(avail, usage->avail_bytes, labels);
    AddSeries(files, usage->files, labels);
    AddSeries(files_free, usage->files_free, labels);
    AddSeries(readonly, is_readonly ? 1 : 0, labels);
  }
  std::vector<wire::MetricFamily> out;
  for (auto* family : {&device_error, &size, &free, &avail, &files, &files_free, &readonly}) {
    if (family->series_size() > 0) out.push_back(std::move(*family));
  }
  return out;
}

bool MayBlock(const std::string& fs_type) {
  static const std::set<std::string> kRemote = {
      "nfs", "nfs4",   "cifs", "smb3",  "smbfs", "ceph",  "glusterfs", "9p",
      "afs", "lustre", "gpfs", "ocfs2", "gfs2",  "sshfs", "davfs",     "virtiofs"};
  return kRemote.count(fs_type) > 0 || fs_type.rfind("fuse", 0) == 0;
}

StatFilesystem MakeBoundedStat(StatFilesystem blocking, std::chrono::milliseconds timeout) {
  auto bounded = std::make_shared<BoundedStat>(std::move(blocking), timeout);
  return [bounded](const std::string& path) { return (*bounded)(path); };
}

std::unique_ptr<Collector> MakeFilesystemCollector(FilesystemOptions options) {
  return std::make_unique<FilesystemCollector>(std::move(options));
}

}  // namespace vigil::agent
