#include "common/service_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>

namespace vigil {
namespace {

// The sd_notify(3) protocol: one datagram to the AF_UNIX socket named by $NOTIFY_SOCKET (a leading
// '@' means the abstract namespace). Written out here rather than linking libsystemd, whose
// dependencies (libgcrypt, lz4, zstd, lzma) would cost the agent more resident memory than all of
// its own code.
void Notify(const std::string& state) {
  const char* socket_path = std::getenv("NOTIFY_SOCKET");
  if (socket_path == nullptr || socket_path[0] == '\0') return;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const std::size_t length = std::strlen(socket_path);
  if (length >= sizeof address.sun_path) return;
  std::memcpy(address.sun_path, socket_path, length);
  if (address.sun_path[0] == '@') address.sun_path[0] = '\0';
  const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  const auto size = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + length);
  (void)sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
               reinterpret_cast<const sockaddr*>(&address), size);
  close(fd);
}

}  // namespace

void NotifyReady(std::string_view status) { Notify("READY=1\nSTATUS=" + std::string(status)); }

void NotifyStatus(std::string_view status) { Notify("STATUS=" + std::string(status)); }

void NotifyReloading() { Notify("RELOADING=1"); }

void NotifyStopping() { Notify("STOPPING=1"); }

void NotifyWatchdog() { Notify("WATCHDOG=1"); }

}  // namespace vigil
