#pragma once
// Reading apt and dpkg's own files: Debian version ordering (Debian Policy §5.6.12), control
// stanzas (dpkg status, apt's Packages lists) and which installed packages a list offers newer
// versions of.

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::agent {

// <0, 0, >0 as a sorts before, equal to, or after b: epoch, then upstream, then revision, with
// "~" before everything, even the end.
int CompareDebianVersions(std::string_view a, std::string_view b);

// The stanzas of a control file, each as field -> value (continuation lines dropped).
std::vector<std::map<std::string, std::string>> ParseStanzas(std::string_view text);

struct PendingUpdate {
  std::string package;
  std::string architecture;
  std::string installed;
  std::string candidate;
};

// Installed packages (dpkg status "install ok installed") for which `packages` (an apt Packages
// list) has a newer version of the same architecture (or "all").
std::vector<PendingUpdate> FindPendingUpdates(std::string_view dpkg_status,
                                              std::string_view packages);

}  // namespace vigil::agent
