#pragma once
// Process-wide logging to stderr. This is the one deliberate global in Vigil (see
// docs/architecture.md): every part logs, and threading a logger through every constructor buys
// nothing a test needs, because tests read a child process's stderr.
//
// Under systemd (JOURNAL_STREAM set) each line starts with the sd-daemon priority prefix ("<6>")
// that journald turns into the entry's priority; elsewhere it starts with a UTC timestamp and the
// level word. Lines are written whole, so threads never interleave within a line.
// Callers must never pass a secret (token, key material) in a message.

#include <string_view>

namespace vigil {

enum class LogLevel { kError = 3, kWarning = 4, kInfo = 6, kDebug = 7 };

// Messages above this level are dropped. Thread-safe.
void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();

// Parses "error", "warning", "info" or "debug"; false for anything else.
bool ParseLogLevel(std::string_view text, LogLevel& level);

void Log(LogLevel level, std::string_view message);
inline void LogError(std::string_view message) { Log(LogLevel::kError, message); }
inline void LogWarning(std::string_view message) { Log(LogLevel::kWarning, message); }
inline void LogInfo(std::string_view message) { Log(LogLevel::kInfo, message); }
inline void LogDebug(std::string_view message) { Log(LogLevel::kDebug, message); }

}  // namespace vigil
