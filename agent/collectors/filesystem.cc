#include "agent/collectors/filesystem.h"

#include <sys/vfs.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <future>
#include <map>
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

Result<FilesystemUsage> StatNow(const std::string& path) {
  struct statfs buffer {};
  if (statfs(path.c_str(), &buffer) != 0) {
    return MakeError("statfs", "statfs " + path + ": " + std::strerror(errno));
  }
  // Blocks times f_bsize, as node_exporter computes it (f_frsize equals it on Linux filesystems).
  const double block = static_cast<double>(buffer.f_bsize);
  return FilesystemUsage{static_cast<double>(buffer.f_blocks) * block,
                         static_cast<double>(buffer.f_bfree) * block,
                         static_cast<double>(buffer.f_bavail) * block,
                         static_cast<double>(buffer.f_files), static_cast<double>(buffer.f_ffree)};
}

// statfs on a thread of its own, so that a dead network mount cannot stall the agent. A mount that
// timed out is reported as an error until its pending call returns.
class BoundedStat {
 public:
  Result<FilesystemUsage> operator()(const std::string& path) {
    if (auto pending = stuck_.find(path); pending != stuck_.end()) {
      if (pending->second.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
        return MakeError("statfs", "statfs " + path + ": still stuck");
      }
      stuck_.erase(pending);
    }
    std::future<Result<FilesystemUsage>> call = std::async(std::launch::async, StatNow, path);
    if (call.wait_for(kStatTimeout) != std::future_status::ready) {
      stuck_.emplace(path, std::move(call));
      return MakeError("statfs", "statfs " + path + ": timed out");
    }
    return call.get();
  }

 private:
  std::map<std::string, std::future<Result<FilesystemUsage>>> stuck_;
};

class FilesystemCollector final : public Collector {
 public:
  explicit FilesystemCollector(FilesystemOptions options)
      : options_(std::move(options)),
        mount_points_exclude_(options_.mount_points_exclude, std::regex::optimize),
        fs_types_exclude_(options_.fs_types_exclude, std::regex::optimize) {}

  const std::string& name() const override { return name_; }

  Result<std::vector<wire::MetricFamily>> Collect() override {
    Result<std::string> text = ReadFileUnderRoot(options_.root, "proc/1/mounts");
    if (!text) text = ReadFileUnderRoot(options_.root, "proc/mounts");
    if (!text) return text.error();
    Result<std::vector<MountEntry>> mounts = ParseMounts(*text);
    if (!mounts) return mounts.error();
    return FilesystemFamilies(*mounts, mount_points_exclude_, fs_types_exclude_, options_.root,
                              [this](const std::string& path) { return stat_(path); });
  }

 private:
  const std::string name_ = "filesystem";
  FilesystemOptions options_;
  std::regex mount_points_exclude_;
  std::regex fs_types_exclude_;
  BoundedStat stat_;
};

}  // namespace

Result<std::vector<MountEntry>> ParseMounts(std::string_view text) {
  std::vector<MountEntry> mounts;
  for (std::string_view line : SplitLines(text)) {
    const std::vector<std::string_view> fields = SplitFields(line);
    if (fields.empty()) continue;
    if (fields.size() < 4) {
      return MakeError("parse_failed",
                       "malformed mount point information: \"" + std::string(line) + "\"");
    }
    mounts.push_back({std::string(fields[0]), DecodeMountPath(fields[1]), std::string(fields[2]),
                      std::string(fields[3])});
  }
  return mounts;
}

std::vector<wire::MetricFamily> FilesystemFamilies(const std::vector<MountEntry>& mounts,
                                                   const std::regex& mount_points_exclude,
                                                   const std::regex& fs_types_exclude,
                                                   const std::string& root,
                                                   const StatFilesystem& stat) {
  using wire::METRIC_TYPE_GAUGE;
  auto device_error = MakeFamily(
      "node_filesystem_device_error",
      "Whether an error occurred while getting statistics for the given device.", METRIC_TYPE_GAUGE);
  auto size = MakeFamily("node_filesystem_size_bytes", "Filesystem size in bytes.",
                         METRIC_TYPE_GAUGE);
  auto free = MakeFamily("node_filesystem_free_bytes", "Filesystem free space in bytes.",
                         METRIC_TYPE_GAUGE);
  auto avail = MakeFamily("node_filesystem_avail_bytes",
                          "Filesystem space available to non-root users in bytes.",
                          METRIC_TYPE_GAUGE);
  auto files = MakeFamily("node_filesystem_files", "Filesystem total file nodes.",
                          METRIC_TYPE_GAUGE);
  auto files_free = MakeFamily("node_filesystem_files_free", "Filesystem total free file nodes.",
                               METRIC_TYPE_GAUGE);
  auto readonly = MakeFamily("node_filesystem_readonly", "Filesystem read-only status.",
                             METRIC_TYPE_GAUGE);
  std::set<std::tuple<std::string, std::string, std::string>> seen;
  for (const MountEntry& mount : mounts) {
    if (std::regex_search(mount.mount_point, mount_points_exclude) ||
        std::regex_search(mount.fs_type, fs_types_exclude)) {
      continue;
    }
    if (!seen.emplace(mount.device, mount.mount_point, mount.fs_type).second) continue;
    const LabelPairs labels = {
        {"device", mount.device}, {"fstype", mount.fs_type}, {"mountpoint", mount.mount_point}};
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

std::unique_ptr<Collector> MakeFilesystemCollector(FilesystemOptions options) {
  return std::make_unique<FilesystemCollector>(std::move(options));
}

}  // namespace vigil::agent
