#pragma once
// A problem found in a configuration file, located by line, column and key path.

#include <string>
#include <vector>

namespace vigil::config {

struct Diagnostic {
  std::string file;
  int line = 0;      // 1-based; 0 when the problem is about the whole file
  int column = 0;    // 1-based
  std::string path;  // dotted key path, e.g. "collector.address[1]"; may be empty
  std::string message;
};

// "FILE:LINE:COL: key.path: message", the format editors and CI annotators read.
std::string FormatDiagnostic(const Diagnostic& diagnostic);

// Orders problems as they appear in the file (whole-file problems first), keeping the order of
// problems at the same position.
void SortByPosition(std::vector<Diagnostic>& problems);

// For SIGHUP: logs every problem of a configuration that failed to load, and that the running
// one is kept.
void LogReloadProblems(const std::vector<Diagnostic>& problems);

// A loaded configuration, or every problem that kept it from loading.
template <typename T>
struct Loaded {
  T config;
  std::vector<Diagnostic> problems;
  bool ok() const { return problems.empty(); }
};

}  // namespace vigil::config
