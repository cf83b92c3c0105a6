#include "agent/collectors/textfile.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "agent/collectors/text.h"
#include "common/exposition.h"
#include "common/log.h"
#include "common/metric_builder.h"

namespace vigil::agent {
namespace {

using Families = std::vector<wire::MetricFamily>;

// Reads one label set "{a="1",b="2"}" starting at `pos` (which points at '{'); advances `pos`.
Result<LabelPairs> ReadLabels(std::string_view line, std::size_t& pos) {
  LabelPairs labels;
  ++pos;  // '{'
  for (;;) {
    while (pos < line.size() && line[pos] == ' ') ++pos;
    if (pos < line.size() && line[pos] == '}') {
      ++pos;
      return labels;
    }
    const std::size_t equals = line.find('=', pos);
    if (equals == std::string_view::npos) return MakeError("parse_failed", "label without '='");
    std::string name(Trim(line.substr(pos, equals - pos)));
    if (!IsValidLabelName(name)) {
      return MakeError("parse_failed", "invalid label name \"" + name + "\"");
    }
    pos = equals + 1;
    while (pos < line.size() && line[pos] == ' ') ++pos;
    if (pos >= line.size() || line[pos] != '"') {
      return MakeError("parse_failed", "label " + name + ": value must be quoted");
    }
    std::string value;
    for (++pos; pos < line.size() && line[pos] != '"'; ++pos) {
      if (line[pos] == '\\' && pos + 1 < line.size()) {
        const char next = line[++pos];
        value += next == 'n' ? '\n' : next;
      } else {
        value += line[pos];
      }
    }
    if (pos >= line.size()) return MakeError("parse_failed", "label " + name + ": unterminated value");
    ++pos;  // closing quote
    for (const auto& [existing, unused] : labels) {
      if (existing == name) return MakeError("parse_failed", "label " + name + " given twice");
    }
    labels.emplace_back(std::move(name), std::move(value));
    while (pos < line.size() && line[pos] == ' ') ++pos;
    if (pos < line.size() && line[pos] == ',') ++pos;
  }
}

std::optional<double> ReadValue(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "nan") return std::numeric_limits<double>::quiet_NaN();
  if (lower == "+inf" || lower == "inf") return std::numeric_limits<double>::infinity();
  if (lower == "-inf") return -std::numeric_limits<double>::infinity();
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  return ParseDouble(text);
}

std::string HelpUnescape(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      const char next = text[++i];
      out += next == 'n' ? '\n' : next;
    } else {
      out += text[i];
    }
  }
  return out;
}

struct FamilyBuilder {
  std::string help;
  std::string type;  // "counter", "gauge", "untyped", or empty before a TYPE line or sample
  wire::MetricFamily family;
  std::set<LabelPairs> seen;
};

wire::MetricType WireType(const std::string& type) {
  if (type == "counter") return wire::METRIC_TYPE_COUNTER;
  if (type == "gauge") return wire::METRIC_TYPE_GAUGE;
  return wire::METRIC_TYPE_UNTYPED;
}

// Lines of the file, parsed into families in order of first appearance.
class TextfileParser {
 public:
  explicit TextfileParser(std::string file) : file_(std::move(file)) {}

  Status Line(std::string_view line) {
    line = Trim(line);
    if (line.empty()) return OkStatus();
    if (line.front() == '#') return Comment(line);
    return Sample(line);
  }

  Families Finish() {
    Families out;
    for (const std::string& name : order_) {
      FamilyBuilder& builder = builders_.at(name);
      if (builder.family.series_size() == 0) continue;
      builder.family.set_name(name);
      builder.family.set_help(builder.help.empty() ? "Metric read from " + file_ : builder.help);
      builder.family.set_type(WireType(builder.type));
      out.push_back(std::move(builder.family));
    }
    return out;
  }

 private:
  FamilyBuilder& Builder(const std::string& name) {
    auto [it, inserted] = builders_.try_emplace(name);
    if (inserted) order_.push_back(name);
    return it->second;
  }

  Status Comment(std::string_view line) {
    const std::vector<std::string_view> words = SplitFields(line);
    if (words.size() < 3 || (words[1] != "HELP" && words[1] != "TYPE")) return OkStatus();
    const std::string name(words[2]);
    if (!IsValidMetricName(name)) return MakeError("parse_failed", "invalid metric name \"" + name + "\"");
    FamilyBuilder& builder = Builder(name);
    if (words[1] == "HELP") {
      const std::size_t at = line.find(words[2]) + words[2].size();
      builder.help = HelpUnescape(Trim(line.substr(at)));
      return OkStatus();
    }
    if (words.size() != 4) return MakeError("parse_failed", "TYPE line without a type");
    const std::string type(words[3]);
    if (type == "histogram" || type == "summary") {
      return MakeError("unsupported", name + " is a " + type +
                                          ", which Vigil does not carry yet (counter, gauge and "
                                          "untyped are)");
    }
    if (type != "counter" && type != "gauge" && type != "untyped") {
      return MakeError("parse_failed", "unknown type \"" + type + "\"");
    }
    if (!builder.type.empty() || builder.family.series_size() > 0) {
      return MakeError("parse_failed", "TYPE for " + name + " after its samples or a second time");
    }
    builder.type = type;
    return OkStatus();
  }

  Status Sample(std::string_view line) {
    std::size_t pos = line.find_first_of("{ \t");
    const std::string name(line.substr(0, pos));
    if (!IsValidMetricName(name)) return MakeError("parse_failed", "invalid metric name \"" + name + "\"");
    LabelPairs labels;
    if (pos != std::string_view::npos && line[pos] == '{') {
      Result<LabelPairs> read = ReadLabels(line, pos);
      if (!read) return read.error();
      labels = std::move(*read);
    }
    const std::vector<std::string_view> rest =
        SplitFields(pos == std::string_view::npos ? std::string_view() : line.substr(pos));
    if (rest.empty()) return MakeError("parse_failed", "sample without a value");
    if (rest.size() > 1) {
      return MakeError("unsupported", "client-side timestamps are not supported");
    }
    std::optional<double> value = ReadValue(rest[0]);
    if (!value) return MakeError("parse_failed", "bad value \"" + std::string(rest[0]) + "\"");
    if (++series_ > kMaxTextfileSeries) {
      return MakeError("too_large", "more than " + std::to_string(kMaxTextfileSeries) + " series");
    }
    std::sort(labels.begin(), labels.end());
    FamilyBuilder& builder = Builder(name);
    if (!builder.seen.insert(labels).second) {
      return MakeError("parse_failed", "a second sample of the same series of " + name);
    }
    AddSeries(builder.family, *value, labels);
    return OkStatus();
  }

  std::string file_;
  std::map<std::string, FamilyBuilder> builders_;
  std::vector<std::string> order_;
  std::size_t series_ = 0;
};

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
    auto mtime = MakeFamily("node_textfile_mtime_seconds",
                            "Unixtime mtime of textfiles successfully read.",
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
    auto scrape_error = MakeFamily(
        "node_textfile_scrape_error",
        "1 if there was an error opening or reading a file, 0 otherwise", wire::METRIC_TYPE_GAUGE);
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
    if (ec) return MakeError("read_failed", "cannot read: " + ec.message());
    if (size > kMaxTextfileBytes) {
      return MakeError("too_large", std::to_string(size) + " bytes, more than the limit of " +
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
        return MakeError("parse_failed", family.name() + " has another type in an earlier file");
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

Result<Families> ParseTextfile(std::string_view text, const std::string& file) {
  TextfileParser parser(file);
  int number = 0;
  for (std::string_view line : SplitLines(text)) {
    ++number;
    if (Status parsed = parser.Line(line); !parsed) {
      return MakeError(parsed.error().code,
                       "line " + std::to_string(number) + ": " + parsed.error().message);
    }
  }
  return parser.Finish();
}

std::unique_ptr<Collector> MakeTextfileCollector(std::string directory) {
  return std::make_unique<TextfileCollector>(std::move(directory));
}

}  // namespace vigil::agent
