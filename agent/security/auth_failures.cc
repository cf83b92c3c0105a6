#include "agent/security/auth_failures.h"

#include <dlfcn.h>
#include <systemd/sd-journal.h>

#include <cstdlib>
#include <cstring>

namespace vigil::agent {
namespace {

bool Contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// sd-journal's entry points, found in libsystemd.so.0 at run time so that the agent starts on
// hosts without it.
struct SdJournal {
  decltype(&sd_journal_open_directory) open_directory = nullptr;
  decltype(&sd_journal_close) close = nullptr;
  decltype(&sd_journal_add_match) add_match = nullptr;
  decltype(&sd_journal_add_disjunction) add_disjunction = nullptr;
  decltype(&sd_journal_seek_cursor) seek_cursor = nullptr;
  decltype(&sd_journal_seek_tail) seek_tail = nullptr;
  decltype(&sd_journal_previous) previous = nullptr;
  decltype(&sd_journal_next) next = nullptr;
  decltype(&sd_journal_test_cursor) test_cursor = nullptr;
  decltype(&sd_journal_get_data) get_data = nullptr;
  decltype(&sd_journal_get_cursor) get_cursor = nullptr;

  static const SdJournal* Load() {
    static const SdJournal loaded = [] {
      SdJournal j;
      void* library = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
      if (library == nullptr) return j;
      bool all = true;
      const auto find = [&](auto& function, const char* symbol) {
        function = reinterpret_cast<std::remove_reference_t<decltype(function)>>(dlsym(library, symbol));
        all = all && function != nullptr;
      };
      find(j.open_directory, "sd_journal_open_directory");
      find(j.close, "sd_journal_close");
      find(j.add_match, "sd_journal_add_match");
      find(j.add_disjunction, "sd_journal_add_disjunction");
      find(j.seek_cursor, "sd_journal_seek_cursor");
      find(j.seek_tail, "sd_journal_seek_tail");
      find(j.previous, "sd_journal_previous");
      find(j.next, "sd_journal_next");
      find(j.test_cursor, "sd_journal_test_cursor");
      find(j.get_data, "sd_journal_get_data");
      find(j.get_cursor, "sd_journal_get_cursor");
      if (!all) j.open_directory = nullptr;
      return j;
    }();
    return loaded.open_directory != nullptr ? &loaded : nullptr;
  }
};

}  // namespace

void AuthFailures::Add(std::string_view message) {
  const bool sshd_failure = Contains(message, "Failed password for") ||
                            Contains(message, "Failed keyboard-interactive/pam for");
  const bool other = Contains(message, "FAILED LOGIN") || Contains(message, "FAILED SU") ||
                     (Contains(message, "authentication failure;") &&
                      !Contains(message, "(sshd:auth)"));
  if (!sshd_failure && !other) return;
  ++count;
  if (const std::size_t from = message.find(" from "); sshd_failure && from != std::string_view::npos) {
    std::string_view rest = message.substr(from + 6);
    rest = rest.substr(0, rest.find(' '));
    ++sources[std::string(rest)];
  }
}

JournalResult ReadJournalAuth(const std::string& root, const std::string& cursor) {
  JournalResult result;
  const SdJournal* api = SdJournal::Load();
  if (api == nullptr) {
    result.error = "libsystemd (sd-journal) is not available";
    return result;
  }
  sd_journal* journal = nullptr;
  if (int rc = api->open_directory(&journal, root.c_str(), SD_JOURNAL_OS_ROOT); rc < 0) {
    result.error = std::string("cannot open the journal: ") + std::strerror(-rc);
    return result;
  }
  // Facilities auth (4) and authpriv (10).
  api->add_match(journal, "SYSLOG_FACILITY=4", 0);
  api->add_disjunction(journal);
  api->add_match(journal, "SYSLOG_FACILITY=10", 0);
  bool counting = false;
  if (!cursor.empty() && api->seek_cursor(journal, cursor.c_str()) >= 0) {
    // seek_cursor lands on the entry read last time (if it still exists): step past it.
    if (api->next(journal) > 0 && api->test_cursor(journal, cursor.c_str()) <= 0) {
      api->previous(journal);
    }
    counting = true;
  } else {
    api->seek_tail(journal);
    api->previous(journal);  // the newest entry, whose cursor is where counting starts
  }
  if (counting) {
    while (api->next(journal) > 0) {
      const void* data = nullptr;
      std::size_t length = 0;
      if (api->get_data(journal, "MESSAGE", &data, &length) >= 0 && length > 8) {
        result.read.failures.Add(std::string_view(static_cast<const char*>(data) + 8, length - 8));
      }
    }
  }
  char* position = nullptr;
  if (api->get_cursor(journal, &position) >= 0 && position != nullptr) {
    result.read.cursor = position;
    std::free(position);
  } else {
    result.read.cursor = cursor;
  }
  api->close(journal);
  result.ok = true;
  return result;
}

}  // namespace vigil::agent
