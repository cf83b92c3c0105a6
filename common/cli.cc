#include "common/cli.h"

#include <algorithm>

namespace vigil {

Result<CommandLine> ParseCommandLine(int argc, const char* const* argv,
                                     const std::vector<OptionSpec>& specs) {
  CommandLine line;
  bool options_done = false;
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (options_done || word.rfind("--", 0) != 0 || word == "-") {
      line.positional.push_back(word);
      continue;
    }
    if (word == "--") {
      options_done = true;
      continue;
    }
    const std::size_t equals = word.find('=');
    const std::string name = word.substr(2, equals == std::string::npos ? std::string::npos
                                                                        : equals - 2);
    const auto spec = std::find_if(specs.begin(), specs.end(),
                                   [&](const OptionSpec& s) { return s.name == name; });
    if (spec == specs.end()) return MakeError("usage", "unknown option --" + name);
    if (!spec->takes_value) {
      if (equals != std::string::npos) {
        return MakeError("usage", "option --" + name + " takes no value");
      }
      line.flags.insert(name);
    } else if (equals != std::string::npos) {
      line.values[name] = word.substr(equals + 1);
    } else if (i + 1 < argc) {
      line.values[name] = argv[++i];
    } else {
      return MakeError("usage", "option --" + name + " needs a value");
    }
  }
  return line;
}

}  // namespace vigil
