#pragma once
// sudoers(5), as far as "who may run everything without a password" needs: line continuations,
// comments, `#include`/`@include` and `#includedir`/`@includedir` (files without "." or a
// trailing "~", in order), Cmnd_Alias (nested), tags that carry over to the next commands of a
// rule (NOPASSWD: a, b, PASSWD: c), and `Defaults ... !authenticate`.

#include <functional>
#include <string>
#include <vector>

#include "common/result.h"

namespace vigil::agent {

struct SudoGrant {
  std::string users;  // as written: "%admin", "alice, bob", "ALL"
  std::string file;
  int line = 0;
  std::string text;  // the rule, continuations joined
};

struct SudoersFiles {
  std::function<Result<std::string>(const std::string& path)> read;
  std::function<std::vector<std::string>(const std::string& folder)> list;  // names, sorted
};

struct SudoersScan {
  std::vector<SudoGrant> nopasswd_all;  // rules granting ALL without a password
  std::vector<std::string> problems;    // unreadable includes, loops
};

// An error only when `path` itself cannot be read ("not_found" when absent).
Result<SudoersScan> FindNopasswdGrants(const std::string& path, const SudoersFiles& files);

}  // namespace vigil::agent
