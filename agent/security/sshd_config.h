#pragma once
// sshd_config as sshd reads it (sshd_config(5)): keywords case-insensitive, arguments after
// spaces or "=", double quotes, "#" comments; the first value of a keyword wins; `Include` globs
// (relative to /etc/ssh) are read in place, in lexical order, with loops and depth beyond 16
// refused as sshd does; `Match` starts a conditional block that runs to the next Match or to the
// end of the file that opened it.

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/result.h"

namespace vigil::agent {

struct SshdSetting {
  std::string value;  // the first argument, as written
  std::string file;
  int line = 0;
};

struct SshdConfig {
  std::map<std::string, SshdSetting> global;  // lowercase keyword -> first value
  struct MatchBlock {
    std::string criteria;  // "User backup", "Address 10.0.0.0/8"
    std::string file;
    int line = 0;
    std::map<std::string, SshdSetting> settings;
  };
  std::vector<MatchBlock> matches;
  std::vector<std::string> problems;  // include loops, unreadable includes: "file:line: ..."
};

struct SshdFiles {
  std::function<Result<std::string>(const std::string& path)> read;
  std::function<std::vector<std::string>(const std::string& pattern)> glob;
};

// Parses `path` ("/etc/ssh/sshd_config") and what it includes. An error only when `path` itself
// cannot be read ("not_found" when it does not exist).
Result<SshdConfig> ParseSshdConfig(const std::string& path, const SshdFiles& files);

}  // namespace vigil::agent
