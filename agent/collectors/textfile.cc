#include "agent/collectors/textfile.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "agent/collectors/textfile_format.h"
#include "common/log.h"
#include "common/metric_builder.h"

namespace vigil::agent {
namespace {

using Families = std::vector<wire::MetricFamily>;

class TextfileCollector final : public Collector {
 public:
  explicit TextfileCollector(std::string directory) : directory_(std::move(directory)) {}

  const std::string& name() const override { return name_; }

  Result<Families> Collect() override {
    std::error_code ec;
    std::vector<std::string> files;
    for (const auto& entry : std::filesystem::directory_iterator(directory_, ec)) {
      if (entry.path().extension() == ".prom") files.push_back(entry.path().string());
    }
    std::sort(files.begin(), files.end());
    // A folder that cannot be listed is reported like a bad file, as node_exporter does.
    bool any_error = static_cast<bool>(ec);
    if (ec) NoteProblem(directory_, "cannot list the folder: " + ec.message());

    Families out;
    std::map<std::string, std::size_t> by_name;  // family name -> index in out
    auto mtime =
        MakeFamily("node_textfile_mtime_seconds", "Unixtime mtime of textfiles successfully read.",
                   wire::METRIC_TYPE_GAUGE);
    for (const std::string& file : files) {
      Result<Families> families = ReadOne(file);
      Status merged = families ? Merge(*families, out, by_name) : Status(families.error());
      if (!merged) {
        any_error = true;
        NoteProblem(file, merged.error().message);
        continue;
      }
      if (last_problem_.erase(file) > 0) LogInfo("textfile " + file + " is read again");
      struct stat info {};
      if (stat(file.c_str(), &info) == 0) {
        AddSeries(mtime, static_cast<double>(info.st_mtim.tv_sec), {{"file", file}});
      }
    }
    if (mtime.series_size() > 0) out.push_back(std::move(mtime));
    auto scrape_error = MakeFamily("node_textfile_scrape_error",
                                   "1 if there was an error opening or reading a file, 0 otherwise",
                                   wire::METRIC_TYPE_GAUGE);
    AddSeries(scrape_error, any_error ? 1 : 0);
    out.push_back(std::move(scrape_error));
    auto errors = MakeFamily("vigil_agent_textfile_errors_total",
                             "Textfiles skipped because they could not be read or parsed.",
                             wire::METRIC_TYPE_COUNTER);
    AddSeries(errors, static_cast<double>(errors_));
    out.push_back(std::move(errors));
    return out;
  }

 private:
  // Counts a problem and logs it, unless the same problem was logged last time for this path.
  void NoteProblem(const std::string& path, const std::string& problem) {
    ++errors_;
    std::string& last = last_problem_[path];
    if (last != problem) LogWarning("textfile " + path + " skipped: " + problem);
    last = problem;
  }

  Result<Families> ReadOne(const std::string& file) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    if (ec) return MakeError(ErrorCode::kReadFailed, "cannot read: " + ec.message());
    if (size > kMaxTextfileBytes) {
      return MakeError(ErrorCode::kTooLarge, std::to_string(size) +
                                                 " bytes, more than the limit of " +
                                                 std::to_string(kMaxTextfileBytes));
    }
    Result<std::string> text = ReadFileUnderRoot("/", file);
    if (!text) return text.error();
    return ParseTextfile(*text, file);
  }

  // Families of one file join those of earlier files; a type that differs makes the file an error.
  static Status Merge(Families& families, Families& out,
                      std::map<std::string, std::size_t>& by_name) {
    for (const wire::MetricFamily& family : families) {
      auto known = by_name.find(family.name());
      if (known != by_name.end() && out[known->second].type() != family.type()) {
        return MakeError(ErrorCode::kParseFailed,
                         family.name() + " has another type in an earlier file");
      }
    }
    for (wire::MetricFamily& family : families) {
      auto known = by_name.find(family.name());
      if (known == by_name.end()) {
        by_name.emplace(family.name(), out.size());
        out.push_back(std::move(family));
      } else {
        for (const wire::Series& series : family.series()) {
          *out[known->second].add_series() = series;
        }
      }
    }
    return OkStatus();
  }

  const std::string name_ = "textfile";
  std::string directory_;
  std::uint64_t errors_ = 0;
  std::map<std::string, std::string> last_problem_;  // by file: the problem last logged
};

}  // namespace

std::unique_ptr<Collector> MakeTextfileCollector(std::string directory) {
  return std::make_unique<TextfileCollector>(std::move(directory));
}

}  // namespace vigil::agent
