#include "agent/collectors/collector.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "agent/collectors/text.h"

namespace vigil::agent {
namespace {

std::atomic<HostAccessObserver> host_access_observer{nullptr};

}  // namespace

void SetHostAccessObserver(HostAccessObserver observer) { host_access_observer = observer; }

void NoteHostAccess(HostAccess access, const std::string& path) {
  if (HostAccessObserver observer = host_access_observer.load(std::memory_order_relaxed)) {
    observer(access, path);
  }
}

namespace {

// Opens root/relative for reading, noting the access. Error codes: kNotFound when the kernel
// lacks the feature (no conntrack module, no schedstat), which collectors treat as nothing to
// report rather than a failure; "permission_denied"; "read_failed".
Result<int> OpenUnderRoot(const std::string& root, const std::string& relative, std::string& path) {
  path = root;
  if (path.empty() || path.back() != '/') path += '/';
  path += relative;
  NoteHostAccess(HostAccess::kRead, path);
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) return fd;
  // ENOTDIR: a folder on the path is a file (/sys/fs/xfs/stats/stats/…), so the file is not there;
  // ESRCH: the process whose /proc file it was has exited.
  const ErrorCode code = errno == ENOENT || errno == ENOTDIR || errno == ESRCH
                             ? ErrorCode::kNotFound
                         : errno == EACCES ? ErrorCode::kPermissionDenied
                                           : ErrorCode::kReadFailed;
  return MakeError(code, "cannot open " + path + ": " + std::strerror(errno));
}

// "no_data": a sensor that cannot be read now (ENODATA); "invalid_argument" and "not_supported":
// an attribute the device cannot give in its state (the speed of a link that is down). Collectors
// skip such attributes, as node_exporter does.
Error ReadError(const std::string& path, int error) {
  const ErrorCode code = error == ESRCH     ? ErrorCode::kNotFound  // the process exited after open
                         : error == ENODATA ? ErrorCode::kNoData
                         : error == EINVAL  ? ErrorCode::kInvalidArgument
                         : error == EOPNOTSUPP ? ErrorCode::kNotSupported
                                               : ErrorCode::kReadFailed;
  return MakeError(code, "cannot read " + path + ": " + std::strerror(error));
}

}  // namespace

Result<std::string> ReadFileUnderRoot(const std::string& root, const std::string& relative) {
  std::string path;
  Result<int> fd = OpenUnderRoot(root, relative, path);
  if (!fd) return fd.error();
  // Plain read(2): /proc files report size 0, and iostreams cost more than the parsing.
  std::string text;
  char buffer[16384];
  for (;;) {
    const ssize_t n = read(*fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      close(*fd);
      return ReadError(path, error);
    }
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  close(*fd);
  return text;
}

Result<std::string> ReadSysAttribute(const std::string& root, const std::string& relative) {
  std::string path;
  Result<int> fd = OpenUnderRoot(root, relative, path);
  if (!fd) return fd.error();
  char buffer[128];
  ssize_t n;
  do {
    n = read(*fd, buffer, sizeof buffer);
  } while (n < 0 && errno == EINTR);
  const int error = errno;
  close(*fd);
  if (n < 0) return ReadError(path, error);
  std::string_view text(buffer, static_cast<std::size_t>(n));
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return std::string(text);
}

Result<std::uint64_t> ReadUintFile(const ReadRelative& read, const std::string& relative) {
  Result<std::string> text = read(relative);
  if (!text) return text.error();
  std::optional<std::uint64_t> value = ParseUint(Trim(*text));
  if (!value) return MakeError(ErrorCode::kParseFailed, relative + ": not a count");
  return *value;
}

ReadRelative ReaderUnder(std::string root) {
  return [root = std::move(root)](const std::string& relative) {
    return ReadFileUnderRoot(root, relative);
  };
}

std::vector<std::string> NumberedEntries(const std::string& root, const std::string& folder,
                                         const std::string& prefix) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::filesystem::path(root) / folder, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() > prefix.size() && name.rfind(prefix, 0) == 0 &&
        std::isdigit(static_cast<unsigned char>(name[prefix.size()]))) {
      names.push_back(name);
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

Result<std::vector<FolderEntry>> ListFolder(const std::string& root, const std::string& folder) {
  const std::filesystem::path path = std::filesystem::path(root) / folder;
  std::error_code ec;
  std::filesystem::directory_iterator it(path, ec);
  if (ec) {
    const ErrorCode code = ec == std::errc::no_such_file_or_directory ? ErrorCode::kNotFound
                           : ec == std::errc::permission_denied       ? ErrorCode::kPermissionDenied
                                                                      : ErrorCode::kReadFailed;
    return MakeError(code, "cannot list " + path.string() + ": " + ec.message());
  }
  std::vector<FolderEntry> entries;
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    const std::filesystem::file_type type = it->symlink_status(ec).type();
    entries.push_back({it->path().filename().string(), type == std::filesystem::file_type::regular,
                       type == std::filesystem::file_type::directory});
  }
  std::sort(entries.begin(), entries.end(),
            [](const FolderEntry& a, const FolderEntry& b) { return a.name < b.name; });
  return entries;
}

Result<std::vector<AttributeRead>> ReadAttributesOf(
    const std::string& root, const std::string& folder,
    const std::function<bool(const std::string&)>& wanted, bool skip_unreadable) {
  Result<std::vector<FolderEntry>> files = ListFolder(root, folder);
  if (!files) return files.error();
  std::vector<AttributeRead> attributes;
  for (const FolderEntry& file : *files) {
    if (!file.regular_file || !wanted(file.name)) continue;
    Result<std::string> value = ReadSysAttribute(root, folder + "/" + file.name);
    if (!value) {
      const ErrorCode code = value.error().code;
      if (code == ErrorCode::kNotFound || code == ErrorCode::kNotSupported ||
          code == ErrorCode::kInvalidArgument ||
          (skip_unreadable && code == ErrorCode::kPermissionDenied)) {
        continue;
      }
      return value.error();
    }
    attributes.push_back({file.name, std::move(*value)});
  }
  return attributes;
}

namespace {

class FileCollector final : public Collector {
 public:
  FileCollector(std::string name, std::string root, Gather gather)
      : name_(std::move(name)), root_(std::move(root)), gather_(std::move(gather)) {}
  const std::string& name() const override { return name_; }
  Result<std::vector<wire::MetricFamily>> Collect() override {
    return gather_(
        [this](const std::string& relative) { return ReadFileUnderRoot(root_, relative); });
  }

 private:
  std::string name_;
  std::string root_;
  Gather gather_;
};

}  // namespace

std::unique_ptr<Collector> MakeFileCollector(std::string name, std::string root, Gather gather) {
  return std::make_unique<FileCollector>(std::move(name), std::move(root), std::move(gather));
}

}  // namespace vigil::agent
