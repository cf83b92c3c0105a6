#pragma once
// Running the real binaries from tests: spawn with stdout and stderr captured in files, signal,
// wait with a deadline. A Process still running when destroyed is killed.

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace vigil::testing {

class Process {
 public:
  // Throws when the program cannot be started.
  static std::unique_ptr<Process> Start(const std::vector<std::string>& argv,
                                        const std::string& stdout_file,
                                        const std::string& stderr_file);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  void Signal(int signal);
  // The exit code (128 + N when killed by signal N) once it exits; nullopt when still running
  // after `timeout`.
  std::optional<int> Wait(std::chrono::milliseconds timeout);
  bool Running();

  std::string Stdout() const;
  std::string Stderr() const;
  pid_t pid() const { return pid_; }

 private:
  Process(pid_t pid, std::string stdout_file, std::string stderr_file)
      : pid_(pid), stdout_file_(std::move(stdout_file)), stderr_file_(std::move(stderr_file)) {}
  pid_t pid_;
  std::optional<int> exit_code_;
  std::string stdout_file_;
  std::string stderr_file_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs to completion (killed after `timeout`, then exit_code is -1).
CommandResult RunCommand(const std::vector<std::string>& argv,
                         std::chrono::milliseconds timeout = std::chrono::seconds(60));

}  // namespace vigil::testing
