#include "common/command_line.h"

#include <CLI/CLI.hpp>
#include <iostream>

namespace vigil {

std::optional<int> ParseCommandLine(CLI::App& app, int argc, const char* const* argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help, std::cout, std::cerr);
  } catch (const CLI::CallForAllHelp& help) {
    return app.exit(help, std::cout, std::cerr);
  } catch (const CLI::ParseError& error) {
    std::cerr << app.get_name() << ": " << error.what() << "\nRun " << app.get_name()
              << " --help for usage.\n";
    return kExitUsage;
  }
  return std::nullopt;
}

}  // namespace vigil
