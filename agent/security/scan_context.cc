#include "agent/security/scan_context.h"

#include <dirent.h>
#include <fcntl.h>
#include <glob.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

namespace vigil::agent {
namespace {

constexpr std::size_t kMaxReadBytes = 64 << 20;

std::string Hex(const unsigned char* bytes, unsigned int size) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (unsigned int i = 0; i < size; ++i) {
    out += digits[bytes[i] >> 4];
    out += digits[bytes[i] & 0xf];
  }
  return out;
}

// Closes a file descriptor on every path out.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

}  // namespace

ScanContext::ScanContext(const config::AgentConfig::Security& config, std::string state_dir,
                         const Clock& clock)
    : config_(config),
      root_(config.root),
      state_dir_(std::move(state_dir)),
      clock_(clock),
      started_(clock.Monotonic()) {
  budget_.files_per_second = config.budget.files_per_second;
  budget_.max_duration =
      std::chrono::duration_cast<std::chrono::milliseconds>(config.budget.max_duration);
  budget_.max_hash_bytes = config.budget.max_hash_bytes;
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
}

std::string ScanContext::HostToLocal(const std::string& host_path) const {
  if (root_ == "/" || root_.empty()) return host_path;
  return root_ + host_path;
}

Result<std::string> ScanContext::Read(const std::string& host_path) const {
  const std::string local = HostToLocal(host_path);
  Fd file{open(local.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY)};
  if (file.fd < 0) {
    return MakeError(errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kReadFailed,
                     "cannot open " + host_path + ": " + std::strerror(errno));
  }
  std::string text;
  char buffer[65536];
  for (;;) {
    const ssize_t n = read(file.fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return MakeError(ErrorCode::kReadFailed,
                       "cannot read " + host_path + ": " + std::strerror(errno));
    }
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    if (text.size() > kMaxReadBytes) {
      return MakeError(ErrorCode::kReadFailed, host_path + " is larger than 64 MiB");
    }
  }
  return text;
}

std::vector<std::string> ScanContext::List(const std::string& host_path) const {
  std::vector<std::string> names;
  DIR* dir = opendir(HostToLocal(host_path).c_str());
  if (dir == nullptr) return names;
  while (dirent* entry = readdir(dir)) {
    const std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

std::optional<std::string> ScanContext::ReadLink(const std::string& host_path) const {
  char target[4096];
  const ssize_t n = readlink(HostToLocal(host_path).c_str(), target, sizeof target - 1);
  if (n < 0) return std::nullopt;
  return std::string(target, static_cast<std::size_t>(n));
}

std::optional<struct stat> ScanContext::Stat(const std::string& host_path) const {
  struct stat info {};
  if (lstat(HostToLocal(host_path).c_str(), &info) != 0) return std::nullopt;
  return info;
}

std::vector<std::string> ScanContext::Glob(const std::string& host_pattern) const {
  std::vector<std::string> out;
  glob_t found{};
  if (glob(HostToLocal(host_pattern).c_str(), GLOB_NOSORT, nullptr, &found) == 0) {
    const std::size_t strip = (root_ == "/" || root_.empty()) ? 0 : root_.size();
    for (std::size_t i = 0; i < found.gl_pathc; ++i) {
      out.emplace_back(std::string(found.gl_pathv[i]).substr(strip));
    }
  }
  globfree(&found);
  std::sort(out.begin(), out.end());
  return out;
}

bool ScanContext::OutOfTime() const {
  if (cancelled_ != nullptr && cancelled_->load()) return true;
  return clock_.Monotonic() - started_ > budget_.max_duration;
}

void ScanContext::Pace() {
  ++files_seen_;
  if (files_seen_ % 256 != 0) return;
  const auto elapsed = clock_.Monotonic() - started_;
  const auto allowed_at = std::chrono::duration<double>(
      static_cast<double>(files_seen_) / static_cast<double>(budget_.files_per_second));
  const auto wait =
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(allowed_at) - elapsed;
  if (wait > std::chrono::steady_clock::duration::zero()) std::this_thread::sleep_for(wait);
}

bool ScanContext::Walk(const std::vector<std::string>& tops,
                       const std::function<void(const WalkedFile&)>& visit) {
  for (const std::string& top : tops) {
    // Seen already in this scan: from memory.
    bool cached = false;
    for (const auto& [walked_top, entries] : walked_) {
      const bool inside =
          top == walked_top ||
          (top.size() > walked_top.size() && top.compare(0, walked_top.size(), walked_top) == 0 &&
           (walked_top == "/" || top[walked_top.size()] == '/'));
      if (!inside) continue;
      for (const WalkedFile& file : entries) {
        if (file.path == top ||
            (file.path.size() > top.size() && file.path.compare(0, top.size(), top) == 0 &&
             (top == "/" || file.path[top.size()] == '/'))) {
          visit(file);
        }
      }
      cached = true;
      break;
    }
    if (cached) continue;
    std::optional<struct stat> top_info = Stat(top);
    if (!top_info) continue;
    std::vector<WalkedFile>& seen = walked_[top];
    seen.push_back({top, *top_info});
    visit(seen.back());
    if (!S_ISDIR(top_info->st_mode)) continue;
    const dev_t device = top_info->st_dev;
    std::vector<std::string> pending = {top};
    while (!pending.empty()) {
      const std::string folder = pending.back();
      pending.pop_back();
      DIR* dir = opendir(HostToLocal(folder).c_str());
      if (dir == nullptr) continue;
      const int dir_fd = dirfd(dir);
      while (dirent* item = readdir(dir)) {
        const std::string name = item->d_name;
        if (name == "." || name == "..") continue;
        if (OutOfTime()) {
          closedir(dir);
          MarkPartial();
          walked_.erase(top);  // incomplete: not to be served again
          return false;
        }
        Pace();
        WalkedFile file;
        file.path = (folder == "/" ? "" : folder) + "/" + name;
        if (fstatat(dir_fd, item->d_name, &file.info, AT_SYMLINK_NOFOLLOW) != 0) continue;
        visit(file);
        if (S_ISDIR(file.info.st_mode) && file.info.st_dev == device) pending.push_back(file.path);
        seen.push_back(std::move(file));
      }
      closedir(dir);
    }
  }
  return true;
}

Result<std::string> ScanContext::Sha256(const std::string& host_path) {
  const std::string local = HostToLocal(host_path);
  Fd file{open(local.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW)};
  if (file.fd < 0) {
    return MakeError(ErrorCode::kReadFailed,
                     "cannot open " + host_path + ": " + std::strerror(errno));
  }
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> digest(EVP_MD_CTX_new(),
                                                                 &EVP_MD_CTX_free);
  if (!digest || EVP_DigestInit_ex(digest.get(), EVP_sha256(), nullptr) != 1) {
    return MakeError(ErrorCode::kReadFailed, "SHA-256 is not available");
  }
  char buffer[65536];
  for (;;) {
    const ssize_t n = read(file.fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return MakeError(ErrorCode::kReadFailed,
                       "cannot read " + host_path + ": " + std::strerror(errno));
    }
    if (n == 0) break;
    if (cancelled_ != nullptr && cancelled_->load()) {
      MarkPartial();
      return MakeError(ErrorCode::kBudgetSpent, "the scan was cancelled");
    }
    bytes_hashed_ += static_cast<std::uint64_t>(n);
    if (bytes_hashed_ > budget_.max_hash_bytes) {
      MarkPartial();
      return MakeError(ErrorCode::kBudgetSpent, "the scan's hashing budget is spent");
    }
    EVP_DigestUpdate(digest.get(), buffer, static_cast<std::size_t>(n));
  }
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(digest.get(), out, &size);
  return Hex(out, size);
}

std::optional<nlohmann::json> ScanContext::LoadState(const std::string& name) const {
  std::optional<std::string> text = LoadStateFile(name + ".json");
  if (!text) return std::nullopt;
  nlohmann::json value = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return std::nullopt;
  return value;
}

Status ScanContext::SaveState(const std::string& name, const nlohmann::json& value) const {
  // Never throws on a string that is not UTF-8 (a host file's name): such bytes become U+FFFD.
  return SaveStateFile(name + ".json",
                       value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

std::optional<std::string> ScanContext::LoadStateFile(const std::string& file_name) const {
  // One read of the whole file: a FIM state of 100k files is megabytes, and reading it character
  // by character was a quarter of an unchanged scan's cost.
  std::ifstream in(state_dir_ + "/" + file_name, std::ios::binary | std::ios::ate);
  if (!in) return std::nullopt;
  std::string text(static_cast<std::size_t>(in.tellg()), '\0');
  in.seekg(0);
  if (!in.read(text.data(), static_cast<std::streamsize>(text.size()))) return std::nullopt;
  return text;
}

Status ScanContext::SaveStateFile(const std::string& file_name, const std::string& text) const {
  if (read_only_) return OkStatus();
  std::error_code ec;
  std::filesystem::create_directories(state_dir_, ec);
  if (ec)
    return MakeError(ErrorCode::kIoError, "cannot create " + state_dir_ + ": " + ec.message());
  const std::string path = state_dir_ + "/" + file_name;
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc | std::ios::binary);
    out << text;
    if (!out.flush()) return MakeError(ErrorCode::kIoError, "cannot write " + temporary);
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    return MakeError(ErrorCode::kIoError, "cannot replace " + path + ": " + std::strerror(errno));
  }
  // Run as root (vigil-agent baseline accept), leave the file to the folder's owner, the daemon.
  struct stat folder {};
  if (geteuid() == 0 && stat(state_dir_.c_str(), &folder) == 0 && folder.st_uid != 0) {
    if (chown(path.c_str(), folder.st_uid, folder.st_gid) != 0) {
      return MakeError(
          ErrorCode::kIoError,
          "cannot give " + path + " to the state folder's owner: " + std::strerror(errno));
    }
  }
  return OkStatus();
}

}  // namespace vigil::agent
