#pragma once
// Command-line parsing shared by the binaries: "--name", "--name VALUE" and "--name=VALUE"
// options, then positional words.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/result.h"

namespace vigil {

struct OptionSpec {
  std::string name;  // without the leading "--"
  bool takes_value = false;
};

struct CommandLine {
  std::set<std::string> flags;                 // options given without a value
  std::map<std::string, std::string> values;   // options given with a value
  std::vector<std::string> positional;

  bool Has(const std::string& name) const { return flags.count(name) > 0 || values.count(name) > 0; }
  std::string Value(const std::string& name, const std::string& fallback = "") const {
    auto it = values.find(name);
    return it == values.end() ? fallback : it->second;
  }
};

// Error "usage" naming the unknown option or the option missing its value. Options may appear
// after positional words ("token create --customer acme"); "--" ends option parsing.
Result<CommandLine> ParseCommandLine(int argc, const char* const* argv,
                                     const std::vector<OptionSpec>& specs);

// Exit codes shared by the binaries.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;  // bad command line or invalid configuration

}  // namespace vigil
