#include "agent/collectors/collector.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace vigil::agent {

Result<std::string> ReadFileUnderRoot(const std::string& root, const std::string& relative) {
  const std::string path = (std::filesystem::path(root) / relative).string();
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError("read_failed", "cannot open " + path + ": " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return MakeError("read_failed", "cannot read " + path);
  return text.str();
}

}  // namespace vigil::agent
