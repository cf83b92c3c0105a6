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

namespace {

class FileCollector final : public Collector {
 public:
  FileCollector(std::string name, std::string root, Gather gather)
      : name_(std::move(name)), root_(std::move(root)), gather_(std::move(gather)) {}
  const std::string& name() const override { return name_; }
  Result<std::vector<wire::MetricFamily>> Collect() override {
    return gather_([this](const std::string& relative) {
      return ReadFileUnderRoot(root_, relative);
    });
  }

 private:
  std::string name_;
  std::string root_;
  Gather gather_;
};

}  // namespace

std::unique_ptr<Collector> MakeFileCollector(std::string name, std::string root, Gather gather) {
  return std::make_unique<FileCollector>(std::move(name), std::move(root), std::move(gather));
}

}  // namespace vigil::agent
