#include "collector/store/store_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

namespace vigil::collector {

Result<StoreLock> StoreLock::Acquire(const std::string& store_path) {
  const std::string path = store_path + ".lock";
  std::error_code ec;
  const auto folder = std::filesystem::path(path).parent_path();
  if (!folder.empty()) std::filesystem::create_directories(folder, ec);
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0)
    return MakeError(ErrorCode::kStoreFailed, "cannot open " + path + ": " + std::strerror(errno));
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int why = errno;
    char holder[32] = {};
    const ssize_t size = pread(fd, holder, sizeof holder - 1, 0);
    close(fd);
    if (why != EWOULDBLOCK)
      return MakeError(ErrorCode::kStoreFailed, "cannot lock " + path + ": " + std::strerror(why));
    std::string pid = size > 0 ? std::string(holder, static_cast<std::size_t>(size)) : "";
    while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
    return MakeError(ErrorCode::kBusy, "a collector is running on " + store_path +
                                           (pid.empty() ? "" : " (pid " + pid + ")"));
  }
  // The holder's pid, for the message above; informational only, the lock is what counts.
  const std::string pid = std::to_string(getpid()) + "\n";
  if (ftruncate(fd, 0) == 0) (void)pwrite(fd, pid.data(), pid.size(), 0);
  return StoreLock(fd);
}

StoreLock::StoreLock(StoreLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

StoreLock::~StoreLock() {
  if (fd_ >= 0) close(fd_);
}

}  // namespace vigil::collector
