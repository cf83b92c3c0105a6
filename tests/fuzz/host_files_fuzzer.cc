// libFuzzer target: the parsers of host files the security scan reads — sshd_config with its
// includes, sudoers with its includes, dpkg's status and apt's package lists, /proc/net socket
// tables — never crash and never loop, whatever the files hold. An input is a selector byte and up
// to four files separated by NUL; the first file is the one the parser opens, the others are what
// its includes find. dpkg's version order is also checked for antisymmetry.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "agent/security/debian_packages.h"
#include "agent/security/listening_sockets.h"
#include "agent/security/sshd_config.h"
#include "agent/security/sudoers.h"

namespace {

using vigil::Result;

std::vector<std::string> SplitFiles(std::string_view text) {
  std::vector<std::string> files;
  while (files.size() < 3) {
    const std::size_t nul = text.find('\0');
    if (nul == std::string_view::npos) break;
    files.emplace_back(text.substr(0, nul));
    text.remove_prefix(nul + 1);
  }
  files.emplace_back(text);
  return files;
}

// The first file at `main`, the others at /etc/<dir>/0, /1, /2: every include pattern and folder
// finds all of them (the main file too, so that loops are exercised).
struct Tree {
  std::string main;
  std::string dir;
  std::vector<std::string> files;

  Result<std::string> Read(const std::string& path) const {
    if (path == main) return files[0];
    for (std::size_t i = 1; i < files.size(); ++i) {
      if (path == dir + "/" + std::to_string(i)) return files[i];
    }
    return vigil::MakeError(vigil::ErrorCode::kNotFound, path + ": no such file");
  }
  std::vector<std::string> Paths() const {
    std::vector<std::string> out = {main};
    for (std::size_t i = 1; i < files.size(); ++i) out.push_back(dir + "/" + std::to_string(i));
    return out;
  }
  std::vector<std::string> Names() const {
    std::vector<std::string> out;
    for (std::size_t i = 1; i < files.size(); ++i) out.push_back(std::to_string(i));
    return out;
  }
};

int Sign(int value) { return (value > 0) - (value < 0); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t selector = data[0];
  const std::vector<std::string> files =
      SplitFiles(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
  switch (selector % 4) {
    case 0: {
      const Tree tree{"/etc/ssh/sshd_config", "/etc/ssh/sshd_config.d", files};
      vigil::agent::SshdFiles access{[&tree](const std::string& p) { return tree.Read(p); },
                                     [&tree](const std::string&) { return tree.Paths(); }};
      (void)vigil::agent::ParseSshdConfig(tree.main, access);
      break;
    }
    case 1: {
      const Tree tree{"/etc/sudoers", "/etc/sudoers.d", files};
      vigil::agent::SudoersFiles access{[&tree](const std::string& p) { return tree.Read(p); },
                                        [&tree](const std::string&) { return tree.Names(); }};
      (void)vigil::agent::FindNopasswdGrants(tree.main, access);
      break;
    }
    case 2: {
      (void)vigil::agent::FindPendingUpdates(files[0], files.size() > 1 ? files[1] : files[0]);
      if (files.size() > 1) {
        const int forward = vigil::agent::CompareDebianVersions(files[0], files[1]);
        const int backward = vigil::agent::CompareDebianVersions(files[1], files[0]);
        if (Sign(forward) != -Sign(backward)) std::abort();
      }
      if (vigil::agent::CompareDebianVersions(files[0], files[0]) != 0) std::abort();
      break;
    }
    default: {
      static const char* const kProtos[] = {"tcp", "tcp6", "udp", "udp6"};
      for (const auto& socket :
           vigil::agent::ParseListeningSockets(files[0], kProtos[(selector / 4) % 4])) {
        if (socket.port < 0 || socket.port > 65535) std::abort();
        (void)socket.Key();
      }
      break;
    }
  }
  return 0;
}
