#include "agent/collectors/textfile_format.h"

#include <cmath>
#include <map>
#include <optional>
#include <set>

#include "agent/collectors/text.h"
#include "common/exposition.h"
#include "common/metric_builder.h"
#include "common/utf8.h"

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
    if (equals == std::string_view::npos)
      return MakeError(ErrorCode::kParseFailed, "label without '='");
    std::string name(Trim(line.substr(pos, equals - pos)));
    if (!IsValidLabelName(name)) {
      return MakeError(ErrorCode::kParseFailed, "invalid label name \"" + name + "\"");
    }
    pos = equals + 1;
    while (pos < line.size() && line[pos] == ' ') ++pos;
    if (pos >= line.size() || line[pos] != '"') {
      return MakeError(ErrorCode::kParseFailed, "label " + name + ": value must be quoted");
    }
    std::string value;
    for (++pos; pos < line.size() && line[pos] != '"'; ++pos) {
      if (line[pos] == '\\' && pos + 1 < line.size()) {
        const char next = line[++pos];
        if (next != 'n' && next != '\\' && next != '"') {
          return MakeError(ErrorCode::kParseFailed, "label " + name + ": invalid escape \\" +
                                                        std::string(1, next) +
                                                        " (only \\\\, \\\" and \\n are)");
        }
        value += next == 'n' ? '\n' : next;
      } else {
        value += line[pos];
      }
    }
    if (pos >= line.size())
      return MakeError(ErrorCode::kParseFailed, "label " + name + ": unterminated value");
    ++pos;  // closing quote
    if (!IsValidUtf8(value))
      return MakeError(ErrorCode::kParseFailed, "label " + name + ": value is not valid UTF-8");
    for (const auto& [existing, unused] : labels) {
      if (existing == name)
        return MakeError(ErrorCode::kParseFailed, "label " + name + " given twice");
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
  std::optional<double> value = ParseDouble(text);
  // Go's ParseFloat, which Prometheus reads values with, knows NaN unsigned and bare only:
  // "-NaN" and "nan(1)" would make a value Prometheus cannot read back.
  if (value && std::isnan(*value)) return std::nullopt;
  return value;
}

// HELP text knows two escapes, \\ and \n, as Prometheus's and node_exporter's parsers do.
Result<std::string> HelpUnescape(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out += text[i];
      continue;
    }
    const char next = i + 1 < text.size() ? text[++i] : '\0';
    if (next != 'n' && next != '\\') {
      return MakeError(ErrorCode::kParseFailed, next == '\0'
                                                    ? std::string("HELP ends in a lone \\")
                                                    : "invalid escape \\" + std::string(1, next) +
                                                          " in HELP (only \\\\ and \\n are)");
    }
    out += next == 'n' ? '\n' : '\\';
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
    if (!IsValidMetricName(name))
      return MakeError(ErrorCode::kParseFailed, "invalid metric name \"" + name + "\"");
    FamilyBuilder& builder = Builder(name);
    if (words[1] == "HELP") {
      // Where the name ends: words view into `line` (searching for the name could find it inside
      // "HELP" first, as for a metric called E).
      const auto at = static_cast<std::size_t>(words[2].data() - line.data()) + words[2].size();
      Result<std::string> help = HelpUnescape(Trim(line.substr(at)));
      if (!help) return help.error();
      builder.help = std::move(*help);
      if (!IsValidUtf8(builder.help))
        return MakeError(ErrorCode::kParseFailed, "HELP of " + name + " is not valid UTF-8");
      return OkStatus();
    }
    if (words.size() != 4) return MakeError(ErrorCode::kParseFailed, "TYPE line without a type");
    const std::string type(words[3]);
    if (type == "histogram" || type == "summary") {
      return MakeError(ErrorCode::kNotSupported,
                       name + " is a " + type +
                           ", which Vigil does not carry yet (counter, gauge and "
                           "untyped are)");
    }
    if (type != "counter" && type != "gauge" && type != "untyped") {
      return MakeError(ErrorCode::kParseFailed, "unknown type \"" + type + "\"");
    }
    if (!builder.type.empty() || builder.family.series_size() > 0) {
      return MakeError(ErrorCode::kParseFailed,
                       "TYPE for " + name + " after its samples or a second time");
    }
    builder.type = type;
    return OkStatus();
  }

  Status Sample(std::string_view line) {
    std::size_t pos = line.find_first_of("{ \t");
    const std::string name(line.substr(0, pos));
    if (!IsValidMetricName(name))
      return MakeError(ErrorCode::kParseFailed, "invalid metric name \"" + name + "\"");
    LabelPairs labels;
    if (pos != std::string_view::npos && line[pos] == '{') {
      Result<LabelPairs> read = ReadLabels(line, pos);
      if (!read) return read.error();
      labels = std::move(*read);
    }
    const std::vector<std::string_view> rest =
        SplitFields(pos == std::string_view::npos ? std::string_view() : line.substr(pos));
    if (rest.empty()) return MakeError(ErrorCode::kParseFailed, "sample without a value");
    if (rest.size() > 1) {
      return MakeError(ErrorCode::kNotSupported, "client-side timestamps are not supported");
    }
    std::optional<double> value = ReadValue(rest[0]);
    if (!value)
      return MakeError(ErrorCode::kParseFailed, "bad value \"" + std::string(rest[0]) + "\"");
    if (++series_ > kMaxTextfileSeries) {
      return MakeError(ErrorCode::kTooLarge,
                       "more than " + std::to_string(kMaxTextfileSeries) + " series");
    }
    std::sort(labels.begin(), labels.end());
    FamilyBuilder& builder = Builder(name);
    if (!builder.seen.insert(labels).second) {
      return MakeError(ErrorCode::kParseFailed, "a second sample of the same series of " + name);
    }
    AddSeries(builder.family, *value, labels);
    return OkStatus();
  }

  std::string file_;
  std::map<std::string, FamilyBuilder> builders_;
  std::vector<std::string> order_;
  std::size_t series_ = 0;
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

}  // namespace vigil::agent
