#include "agent/security/auth_failures.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <nlohmann/json.hpp>
#include <vector>

#include "common/result.h"

extern char** environ;

namespace vigil::agent {
namespace {

bool Contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// More than a scan's worth of auth messages: the rest waits for the next scan (the cursor moves
// only as far as what was read).
constexpr std::size_t kMaxJournalOutput = 32u << 20;

// Runs journalctl with `arguments` and returns what it printed; an error when it cannot be run or
// fails. journalctl, not libsystemd's sd-journal: the agent is one static binary, and libsystemd
// has no static archive (and would have to be loaded with dlopen).
Result<std::string> RunJournalctl(const std::vector<std::string>& arguments) {
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0)
    return MakeError(ErrorCode::kIoError, std::string("pipe: ") + std::strerror(errno));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  std::vector<char*> argv;
  std::string program = "journalctl";
  argv.push_back(program.data());
  std::vector<std::string> copies = arguments;
  for (std::string& argument : copies) argv.push_back(argument.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, "journalctl", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  if (spawned != 0) {
    close(out[0]);
    return MakeError(ErrorCode::kIoError,
                     std::string("cannot run journalctl: ") + std::strerror(spawned));
  }
  std::string text;
  char buffer[65536];
  for (;;) {
    const ssize_t n = read(out[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    if (text.size() > kMaxJournalOutput) {
      kill(pid, SIGTERM);
      break;
    }
  }
  close(out[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (text.size() <= kMaxJournalOutput && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
    return MakeError(ErrorCode::kIoError, "journalctl failed (no journal here?)");
  }
  return text;
}

}  // namespace

void AuthFailures::Add(std::string_view message) {
  const bool sshd_failure = Contains(message, "Failed password for") ||
                            Contains(message, "Failed keyboard-interactive/pam for");
  const bool other =
      Contains(message, "FAILED LOGIN") || Contains(message, "FAILED SU") ||
      (Contains(message, "authentication failure;") && !Contains(message, "(sshd:auth)"));
  if (!sshd_failure && !other) return;
  ++count;
  if (const std::size_t from = message.find(" from ");
      sshd_failure && from != std::string_view::npos) {
    std::string_view rest = message.substr(from + 6);
    rest = rest.substr(0, rest.find(' '));
    ++sources[std::string(rest)];
  }
}

JournalResult ReadJournalAuth(const std::string& root, const std::string& cursor) {
  JournalResult result;
  // Facilities auth (4) and authpriv (10): matches of one field are alternatives. Field matches
  // rather than --facility, which systemd before 245 (RHEL 8) does not have; every field rather
  // than --output-fields=MESSAGE, which systemd before 236 (RHEL 7) does not have.
  std::vector<std::string> arguments = {"--no-pager", "--quiet", "--output=json",
                                        "SYSLOG_FACILITY=4", "SYSLOG_FACILITY=10"};
  if (root != "/" && !root.empty()) arguments.push_back("--root=" + root);
  if (cursor.empty()) {
    arguments.push_back("--lines=1");  // the newest entry, whose cursor is where counting starts
  } else {
    arguments.push_back("--after-cursor=" + cursor);
  }
  Result<std::string> text = RunJournalctl(arguments);
  if (!text) {
    result.error = text.error().message;
    return result;
  }
  result.read.cursor = cursor;
  std::string_view rest = *text;
  while (!rest.empty()) {
    const std::size_t end = rest.find('\n');
    const std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    if (end == std::string_view::npos && text->size() > kMaxJournalOutput) break;  // cut short
    const nlohmann::json entry = nlohmann::json::parse(line, nullptr, false);
    if (!entry.is_object() || !entry.contains("__CURSOR") || !entry["__CURSOR"].is_string())
      continue;
    result.read.cursor = entry["__CURSOR"].get<std::string>();
    // journalctl prints a message that is not valid UTF-8 as an array of bytes.
    if (!cursor.empty() && entry.contains("MESSAGE") && entry["MESSAGE"].is_string()) {
      result.read.failures.Add(entry["MESSAGE"].get<std::string>());
    }
  }
  result.ok = true;
  return result;
}

}  // namespace vigil::agent
