#pragma once
// What the three binaries share about their command lines (parsed with CLI11): exit codes, and
// one way to parse that turns --help into exit 0 and any mistake into exit 2 with the reason.

#include <optional>
#include <string_view>

namespace CLI {
class App;
}

namespace vigil {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;  // bad command line or invalid configuration

// Parses into `app`. Returns the exit code when the program should stop here: 0 after printing
// help, kExitUsage after printing "PROGRAM: what was wrong" to stderr. nullopt: carry on.
std::optional<int> ParseCommandLine(CLI::App& app, int argc, const char* const* argv);

}  // namespace vigil
