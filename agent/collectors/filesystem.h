#pragma once
// The "filesystem" collector: node_filesystem_{size,free,avail}_bytes, _files, _files_free,
// _readonly and _device_error per mount, labelled device, fstype and mountpoint, as
// node_exporter exports them.

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "agent/collectors/collector.h"
#include "agent/collectors/name_filter.h"

namespace vigil::agent {

struct MountEntry {
  std::string device;
  std::string mount_point;  // octal escapes \040 (space) and \011 (tab) decoded
  std::string fs_type;
  std::string options;
};

// Parses /proc/<pid>/mounts. Error "parse_failed" for a line with fewer than four fields.
Result<std::vector<MountEntry>> ParseMounts(std::string_view text);

struct FilesystemUsage {
  double size_bytes = 0, free_bytes = 0, avail_bytes = 0, files = 0, files_free = 0;
};

// statfs(2) of a path; an error when the call fails (or, for a stuck network mount, times out).
using StatFilesystem = std::function<Result<FilesystemUsage>(const std::string& path)>;

// Whether statfs on this filesystem type can block for long (network and FUSE filesystems), so
// that it must run where a hang cannot stall the agent.
bool MayBlock(const std::string& fs_type);

// Runs `blocking` on a worker thread and gives up on a call after `timeout`, so that a dead network
// mount cannot stall the agent. A path whose call timed out is reported as an error, without a new
// call, until that call has returned. The result is not thread-safe.
StatFilesystem MakeBoundedStat(StatFilesystem blocking, std::chrono::milliseconds timeout);

// statfs(2), the real thing.
Result<FilesystemUsage> StatNow(const std::string& path);

struct FilesystemOptions {
  std::string root = "/";
  std::string mount_points_exclude;  // regular expression, searched in the mount point
  std::string fs_types_exclude;      // regular expression, searched in the type
};

// Families for the given mounts. Mounts matching the exclusions are skipped; the first of several
// mounts with the same device, mount point and type wins. `stat_local` serves local filesystems,
// `stat_remote` those that MayBlock.
std::vector<wire::MetricFamily> FilesystemFamilies(const std::vector<MountEntry>& mounts,
                                                   NameFilter& mount_points, NameFilter& fs_types,
                                                   const std::string& root,
                                                   const StatFilesystem& stat_local,
                                                   const StatFilesystem& stat_remote);

// Reads <root>/proc/1/mounts (falling back to <root>/proc/mounts) and statfs's each mount under
// root, giving up on one after 5 seconds. Throws std::regex_error for invalid patterns (the
// configuration check rejects them first).
std::unique_ptr<Collector> MakeFilesystemCollector(FilesystemOptions options);

}  // namespace vigil::agent
