#include "agent/collectors/btrfs.h"

#include <fcntl.h>
#include <linux/btrfs.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include "agent/collectors/filesystem.h"
#include "agent/collectors/text.h"
#include "common/metric_builder.h"

namespace vigil::agent {
namespace {

using Families = std::vector<wire::MetricFamily>;

constexpr const char* kBtrfs = "sys/fs/btrfs";
constexpr const char* kBlockGroupTypes[] = {"data", "metadata", "system"};
constexpr const char* kErrorTypes[] = {"write", "read", "flush", "corruption", "generation"};

// One device as the ioctls describe it.
struct IoctlDevice {
  std::string name;  // last element of its path ("sda2")
  std::string uuid;  // the device's own UUID, with dashes
  std::uint64_t total_bytes = 0;
  std::uint64_t used_bytes = 0;
  std::uint64_t errors[std::size(kErrorTypes)] = {};
};

std::string Hex(const std::uint8_t* bytes, std::size_t size, bool dashes) {
  std::string out;
  char two[3];
  for (std::size_t i = 0; i < size; ++i) {
    if (dashes && (i == 4 || i == 6 || i == 8 || i == 10)) out.push_back('-');
    std::snprintf(two, sizeof two, "%02x", bytes[i]);
    out += two;
  }
  return out;
}

// The devices of the filesystem mounted at `path`; nullopt when the ioctls fail there.
std::optional<std::pair<std::string, std::vector<IoctlDevice>>> QueryMountedFilesystem(
    const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::optional<std::pair<std::string, std::vector<IoctlDevice>>> result;
  btrfs_ioctl_fs_info_args info{};
  if (ioctl(fd, BTRFS_IOC_FS_INFO, &info) == 0) {
    std::vector<IoctlDevice> devices;
    bool failed = false;
    for (std::uint64_t id = 0; id <= info.max_id && !failed; ++id) {
      auto device_info = std::make_unique<btrfs_ioctl_dev_info_args>();  // 4 KiB: not on the stack
      device_info->devid = id;
      if (ioctl(fd, BTRFS_IOC_DEV_INFO, device_info.get()) != 0) {
        if (errno == ENODEV) continue;  // a removed device's id
        failed = true;
        break;
      }
      btrfs_ioctl_get_dev_stats stats{};
      stats.devid = id;
      stats.nr_items = BTRFS_DEV_STAT_VALUES_MAX;
      if (ioctl(fd, BTRFS_IOC_GET_DEV_STATS, &stats) != 0) {
        failed = true;
        break;
      }
      IoctlDevice device;
      device.name = std::filesystem::path(reinterpret_cast<const char*>(device_info->path))
                        .filename()
                        .string();
      device.uuid = Hex(device_info->uuid, BTRFS_UUID_SIZE, true);
      device.total_bytes = device_info->total_bytes;
      device.used_bytes = device_info->bytes_used;
      for (std::size_t i = 0; i < std::size(kErrorTypes); ++i) device.errors[i] = stats.values[i];
      devices.push_back(std::move(device));
      if (devices.size() == info.num_devices) break;
    }
    if (!failed) result.emplace(Hex(info.fsid, BTRFS_FSID_SIZE, false), std::move(devices));
  }
  close(fd);
  return result;
}

// Mounted Btrfs filesystems by their UUID without dashes; empty when the mounts cannot be read.
std::map<std::string, std::vector<IoctlDevice>> QueryMountedFilesystems(const std::string& root) {
  std::map<std::string, std::vector<IoctlDevice>> filesystems;
  Result<std::string> text = ReadFileUnderRoot(root, "proc/1/mounts");
  if (!text) text = ReadFileUnderRoot(root, "proc/mounts");
  if (!text) return filesystems;
  Result<std::vector<MountEntry>> mounts = ParseMounts(*text);
  if (!mounts) return filesystems;
  std::set<std::string> devices_done;
  for (const MountEntry& mount : *mounts) {
    if (mount.fs_type != "btrfs" || devices_done.count(mount.device) > 0) continue;
    auto filesystem = QueryMountedFilesystem(
        (std::filesystem::path(root) / std::filesystem::path(mount.mount_point).relative_path())
            .string());
    if (!filesystem || filesystems.count(filesystem->first) > 0) continue;
    devices_done.insert(mount.device);
    filesystems.emplace(std::move(filesystem->first), std::move(filesystem->second));
  }
  return filesystems;
}

// Reads one filesystem's sysfs folder as procfs's btrfs reader does: an absent file reads as
// empty (a number as 0), any other failure sticks and fails the filesystem.
class SysfsReader {
 public:
  SysfsReader(const std::string& root, std::string folder)
      : root_(root), folder_(std::move(folder)) {}

  std::string Text(const std::string& file) {
    if (error_) return {};
    Result<std::string> text = ReadSysAttribute(root_, folder_ + "/" + file);
    if (!text) {
      if (text.error().code != ErrorCode::kNotFound) error_ = text.error();
      return {};
    }
    return *text;
  }
  std::uint64_t Number(const std::string& file) { return ParseUint(Text(file)).value_or(0); }
  std::vector<FolderEntry> List(const std::string& folder) {
    if (error_) return {};
    Result<std::vector<FolderEntry>> entries = ListFolder(root_, folder_ + "/" + folder);
    if (!entries) {
      error_ = entries.error();
      return {};
    }
    return *entries;
  }
  const std::optional<Error>& error() const { return error_; }

 private:
  const std::string& root_;
  std::string folder_;
  std::optional<Error> error_;
};

double AllocationRatio(const std::string& mode, double devices) {
  if (mode == "single" || mode == "raid0") return 1;
  if (mode == "dup" || mode == "raid1" || mode == "raid10") return 2;
  if (mode == "raid5") return devices / (devices - 1);
  if (mode == "raid6") return devices / (devices - 2);
  return 0;
}

class BtrfsCollector final : public RootCollector {
 public:
  explicit BtrfsCollector(std::string root) : RootCollector("btrfs", std::move(root)) {}

  Result<Families> Collect() override {
    Result<std::vector<FolderEntry>> entries = ListFolder(root_, kBtrfs);
    if (!entries)
      return entries.error().code == ErrorCode::kNotFound ? Result<Families>(Families{})
                                                          : entries.error();
    std::vector<std::string>
        filesystems;  // sysfs names a filesystem by its UUID; "features" is none
    for (const FolderEntry& entry : *entries) {
      if (entry.name.find('-') != std::string::npos) filesystems.push_back(entry.name);
    }
    if (filesystems.empty()) return Families{};
    const std::map<std::string, std::vector<IoctlDevice>> mounted = QueryMountedFilesystems(root_);
    FamiliesByName out;
    for (const std::string& filesystem : filesystems) {
      if (std::optional<Error> error = AddFilesystem(filesystem, mounted, out)) return *error;
    }
    return out.Take();
  }

 private:
  std::optional<Error> AddFilesystem(const std::string& folder_name,
                                     const std::map<std::string, std::vector<IoctlDevice>>& mounted,
                                     FamiliesByName& out) const {
    SysfsReader read(root_, std::string(kBtrfs) + "/" + folder_name);
    std::vector<std::pair<std::string, std::uint64_t>> sysfs_devices;
    for (const FolderEntry& device : read.List("devices")) {
      sysfs_devices.emplace_back(device.name,
                                 512 * read.Number("devices/" + device.name + "/size"));
    }
    const std::string label = read.Text("label");
    std::string uuid = read.Text("metadata_uuid");
    read.List("features");  // must be there, as upstream insists
    const std::uint64_t global_reserve = read.Number("allocation/global_rsv_size");
    struct Layout {
      std::string type, mode;
      std::uint64_t used, total;
    };
    std::vector<std::pair<std::string, std::uint64_t>> reserved;
    std::vector<Layout> layouts;
    for (const char* type : kBlockGroupTypes) {
      const std::string base = std::string("allocation/") + type;
      reserved.emplace_back(type, read.Number(base + "/bytes_reserved"));
      for (const FolderEntry& entry : read.List(base)) {
        if (!entry.directory) continue;  // a layout ("single", "raid1") is a folder
        layouts.push_back({type, entry.name, read.Number(base + "/" + entry.name + "/used_bytes"),
                           read.Number(base + "/" + entry.name + "/total_bytes")});
      }
    }
    if (read.error()) return read.error();
    if (uuid.empty()) uuid = folder_name;

    const LabelPairs fs_labels = {{"uuid", uuid}};
    const auto gauge = [&](const std::string& name, const char* help, double value,
                           const LabelPairs& labels) {
      out.Add("node_btrfs_" + name, help, wire::METRIC_TYPE_GAUGE, value, labels);
    };
    gauge("info", "Filesystem information", 1, {{"label", label}, {"uuid", uuid}});
    gauge("global_rsv_size_bytes", "Size of global reserve.", static_cast<double>(global_reserve),
          fs_labels);
    for (const auto& [type, bytes] : reserved) {
      gauge("reserved_bytes", "Amount of space reserved for a data type",
            static_cast<double>(bytes), {{"block_group_type", type}, {"uuid", uuid}});
    }
    for (const Layout& layout : layouts) {
      const LabelPairs labels = {
          {"block_group_type", layout.type}, {"mode", layout.mode}, {"uuid", uuid}};
      gauge("used_bytes", "Amount of used space by a layout/data type",
            static_cast<double>(layout.used), labels);
      gauge("size_bytes", "Amount of space allocated for a layout/data type",
            static_cast<double>(layout.total), labels);
      gauge("allocation_ratio", "Data allocation ratio for a layout/data type",
            AllocationRatio(layout.mode, static_cast<double>(sysfs_devices.size())), labels);
    }
    std::string key = uuid;
    key.erase(std::remove(key.begin(), key.end(), '-'), key.end());
    const auto ioctl_devices = mounted.find(key);
    if (ioctl_devices == mounted.end()) {
      for (const auto& [device, bytes] : sysfs_devices) {
        gauge("device_size_bytes", "Size of a device that is part of the filesystem.",
              static_cast<double>(bytes), {{"device", device}, {"uuid", uuid}});
      }
      return std::nullopt;
    }
    for (const IoctlDevice& device : ioctl_devices->second) {
      const LabelPairs labels = {
          {"btrfs_dev_uuid", device.uuid}, {"device", device.name}, {"uuid", uuid}};
      gauge("device_size_bytes", "Size of a device that is part of the filesystem.",
            static_cast<double>(device.total_bytes), labels);
      gauge("device_unused_bytes",
            "Unused bytes unused on a device that is part of the filesystem.",
            static_cast<double>(device.total_bytes - device.used_bytes), labels);
      for (std::size_t i = 0; i < std::size(kErrorTypes); ++i) {
        out.Add("node_btrfs_device_errors_total", "Errors reported for the device",
                wire::METRIC_TYPE_COUNTER, static_cast<double>(device.errors[i]),
                {{"btrfs_dev_uuid", device.uuid},
                 {"device", device.name},
                 {"type", kErrorTypes[i]},
                 {"uuid", uuid}});
      }
    }
    return std::nullopt;
  }
};

}  // namespace

std::unique_ptr<Collector> MakeBtrfsCollector(std::string root) {
  return std::make_unique<BtrfsCollector>(std::move(root));
}

}  // namespace vigil::agent
