#pragma once
// A ReadRelative over literal files, for collector tests: a path not given is "not_found", as
// ReadFileUnderRoot reports a missing file.

#include <map>
#include <string>

#include "agent/collectors/collector.h"

namespace vigil::agent {

inline ReadRelative FakeFiles(std::map<std::string, std::string> files) {
  return [files = std::move(files)](const std::string& relative) -> Result<std::string> {
    auto it = files.find(relative);
    if (it == files.end()) return MakeError(ErrorCode::kNotFound, relative + ": no such file");
    return it->second;
  };
}

}  // namespace vigil::agent
