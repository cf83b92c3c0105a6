#include "config/diagnostic.h"

#include <algorithm>
#include <tuple>

#include "common/log.h"

namespace vigil::config {

std::string FormatDiagnostic(const Diagnostic& d) {
  std::string out = d.file + ":" + std::to_string(d.line) + ":" + std::to_string(d.column) + ": ";
  if (!d.path.empty()) out += d.path + ": ";
  out += d.message;
  return out;
}

void LogReloadProblems(const std::vector<Diagnostic>& problems) {
  for (const Diagnostic& problem : problems) LogError("reload: " + FormatDiagnostic(problem));
  LogError("reload: configuration invalid; keeping the running one");
}

void SortByPosition(std::vector<Diagnostic>& problems) {
  std::stable_sort(problems.begin(), problems.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  });
}

}  // namespace vigil::config
