#include "agent/collectors/collector.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

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

Result<std::string> ReadFileUnderRoot(const std::string& root, const std::string& relative) {
  std::string path = root;
  if (path.empty() || path.back() != '/') path += '/';
  path += relative;
  NoteHostAccess(HostAccess::kRead, path);
  // Plain read(2): /proc files report size 0, and iostreams cost more than the parsing.
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    // "not_found": the kernel lacks the feature (no conntrack module, no schedstat), which
    // collectors treat as nothing to report rather than a failure.
    return MakeError(errno == ENOENT ? "not_found" : "read_failed",
                     "cannot open " + path + ": " + std::strerror(errno));
  }
  std::string text;
  char buffer[16384];
  for (;;) {
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      close(fd);
      // "no_data": a sensor that cannot be read now (ENODATA), which collectors skip.
      return MakeError(error == ENODATA ? "no_data" : "read_failed",
                       "cannot read " + path + ": " + std::strerror(error));
    }
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  close(fd);
  return text;
}

namespace {

class FileCollector final : public Collector {
 public:
  FileCollector(std::string name, std::string root, Gather gather)
      : name_(std::move(name)), root_(std::move(root)), gather_(std::move(gather)) {}
  const std::string& name() const override { return name_; }
  Result<std::vector<wire::MetricFamily>> Collect() override {
    return gather_([this](const std::string& relative) {
      return ReadFileUnderRoot(root_, relative);
    });
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
