#pragma once
// Failed logins in syslog-style auth messages: sshd's "Failed password for …" and "Failed
// keyboard-interactive/pam for …", login's "FAILED LOGIN", su's "FAILED SU", and PAM's
// "authentication failure;" from anything but sshd (which reports the same attempt itself).

#include <map>
#include <string>
#include <string_view>

namespace vigil::agent {

struct AuthFailures {
  int count = 0;
  std::map<std::string, int> sources;  // "from ADDRESS" of sshd's lines -> count

  void Add(std::string_view message);
};

// Reads the journal's auth messages (syslog facilities auth and authpriv) after `cursor` by
// running `journalctl --output=json` (with --root when `root` is not "/"). With an empty cursor
// only the position is taken. Returns the new cursor, or an error when there is no journal or no
// journalctl.
struct JournalRead {
  std::string cursor;
  AuthFailures failures;
};
struct JournalResult {
  bool ok = false;
  std::string error;
  JournalRead read;
};
JournalResult ReadJournalAuth(const std::string& root, const std::string& cursor);

}  // namespace vigil::agent
