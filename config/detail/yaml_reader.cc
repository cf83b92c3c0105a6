#include "config/detail/yaml_reader.h"
#include "common/severity.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace vigil::config {
namespace {

std::string Join(const std::string& parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  return parent + "." + std::string(key);
}

std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

bool HasScalarLeaf(const YAML::Node& node) {
  if (node.IsScalar()) return !node.Scalar().empty();
  if (node.IsSequence()) {
    for (const YAML::Node& element : node) {
      if (HasScalarLeaf(element)) return true;
    }
  }
  if (node.IsMap()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (HasScalarLeaf(it->second)) return true;
    }
  }
  return false;
}

}  // namespace

int EstimateYamlDepth(std::string_view text) {
  int max_depth = 0;
  int flow_depth = 0;
  std::vector<std::size_t> indents;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;

    std::size_t indent = line.find_first_not_of(' ');
    if (indent == std::string_view::npos || line[indent] == '#') continue;
    if (flow_depth == 0) {
      // Each leading "- " opens one more block level, two columns further in.
      std::vector<std::size_t> levels{indent};
      std::size_t column = indent;
      const auto is_dash = [&line](std::size_t at) {
        return at < line.size() && line[at] == '-' &&
               (at + 1 == line.size() || line[at + 1] == ' ');
      };
      while (is_dash(column)) {
        column = line.find_first_not_of(' ', column + 1);
        if (column == std::string_view::npos || !is_dash(column)) break;
        levels.push_back(column);
      }
      while (!indents.empty() && indents.back() >= indent) indents.pop_back();
      for (std::size_t level : levels) {
        if (indents.empty() || indents.back() < level) indents.push_back(level);
      }
    }
    char quote = 0;
    for (std::size_t i = indent; i < line.size(); ++i) {
      const char c = line[i];
      if (quote != 0) {
        if (c == quote) quote = 0;
        continue;
      }
      if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '#' && (i == 0 || line[i - 1] == ' ')) {
        break;
      } else if (c == '[' || c == '{') {
        ++flow_depth;
      } else if ((c == ']' || c == '}') && flow_depth > 0) {
        --flow_depth;
      }
      max_depth = std::max(max_depth, static_cast<int>(indents.size()) + flow_depth);
    }
    max_depth = std::max(max_depth, static_cast<int>(indents.size()) + flow_depth);
  }
  return max_depth;
}

std::optional<YAML::Node> ParseYamlText(std::string_view text, const std::string& file,
                                        std::vector<Diagnostic>& problems) {
  if (text.size() > kMaxConfigFileBytes) {
    problems.push_back({file, 0, 0, "",
                        "file is " + std::to_string(text.size()) +
                            " bytes, more than the limit of " +
                            std::to_string(kMaxConfigFileBytes) + " bytes"});
    return std::nullopt;
  }
  if (const int depth = EstimateYamlDepth(text); depth > kMaxConfigDepth) {
    problems.push_back(
        {file, 0, 0, "", "nesting is deeper than " + std::to_string(kMaxConfigDepth) + " levels"});
    return std::nullopt;
  }
  try {
    YAML::Node root = YAML::Load(std::string(text));
    return root;
  } catch (const YAML::Exception& e) {
    problems.push_back({file, e.mark.line + 1, e.mark.column + 1, "", "YAML syntax: " + e.msg});
    return std::nullopt;
  }
}

std::optional<YAML::Node> LoadYamlFile(const std::string& file, std::vector<Diagnostic>& problems) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) {
    problems.push_back({file, 0, 0, "", "cannot read file: " + ec.message()});
    return std::nullopt;
  }
  if (size > kMaxConfigFileBytes) {
    problems.push_back({file, 0, 0, "",
                        "file is " + std::to_string(size) + " bytes, more than the limit of " +
                            std::to_string(kMaxConfigFileBytes) + " bytes"});
    return std::nullopt;
  }
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) {
    problems.push_back({file, 0, 0, "", "cannot read file"});
    return std::nullopt;
  }
  return ParseYamlText(text.str(), file, problems);
}

std::string AbsolutePath(const std::string& file) {
  return std::filesystem::absolute(file).lexically_normal().string();
}

std::string SuggestKey(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const std::string& candidate : candidates) {
    const std::size_t distance = EditDistance(word, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

Field::Field(YAML::Node node, std::string path, std::string file, std::vector<Diagnostic>* problems)
    // A missing key yields an invalid "zombie" node whose type queries throw; an empty node
    // answers them (as Null) instead.
    : node_(node.IsDefined() ? std::move(node) : YAML::Node()),
      mark_(node_.Mark()),
      path_(std::move(path)),
      file_(std::move(file)),
      problems_(problems) {}

Field RootField(const YAML::Node& root, const std::string& file,
                std::vector<Diagnostic>& problems) {
  return Field(root, "", file, &problems);
}

bool Field::HasValues() const { return Present() && HasScalarLeaf(node_); }

void Field::ReportAt(const YAML::Mark& mark, const std::string& path,
                     const std::string& message) const {
  const bool known = mark.line >= 0;
  problems_->push_back(
      {file_, known ? mark.line + 1 : 0, known ? mark.column + 1 : 0, path, message});
}

void Field::Report(const std::string& message) const { ReportAt(mark_, path_, message); }

void Field::ReportAt(int line, int column, const std::string& message) const {
  problems_->push_back({file_, line, column, path_, message});
}

bool Field::ExpectMap(std::initializer_list<std::string_view> allowed) const {
  return ExpectKeys(std::vector<std::string>(allowed.begin(), allowed.end()));
}

bool Field::ExpectKeys(const std::vector<std::string>& known) const {
  if (!Present()) return true;
  if (!node_.IsMap()) {
    Report("expected a mapping of keys to values");
    return false;
  }
  std::set<std::string> seen;
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    const YAML::Node key = it->first;
    if (!key.IsScalar()) {
      ReportAt(key.Mark(), path_, "keys must be plain strings");
      continue;
    }
    const std::string& name = key.Scalar();
    if (!seen.insert(name).second) {
      ReportAt(key.Mark(), Join(path_, name), "duplicate key");
    }
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      std::string message = "unknown key \"" + name + "\"";
      if (const std::string suggestion = SuggestKey(name, known); !suggestion.empty()) {
        message += " (did you mean \"" + suggestion + "\"?)";
      }
      ReportAt(key.Mark(), Join(path_, name), message);
    }
  }
  return true;
}

Field Field::operator[](std::string_view key) const {
  // Node assignment in yaml-cpp writes through to the referenced node, so only construct here;
  // and index a const node, because indexing a non-const one inserts the key.
  const YAML::Node& self = node_;
  Field field(self.IsMap() ? self[std::string(key)] : YAML::Node(), Join(path_, key), file_,
              problems_);
  if (field.mark_.line < 0) field.mark_ = mark_;
  return field;
}

std::vector<Field> Field::Elements(bool allow_scalar) const {
  std::vector<Field> out;
  if (!Present()) return out;
  if (allow_scalar && node_.IsScalar()) {
    out.push_back(*this);
    return out;
  }
  if (!node_.IsSequence()) {
    Report(allow_scalar ? "expected a value or a list of values" : "expected a list");
    return out;
  }
  std::size_t index = 0;
  for (const YAML::Node& element : node_) {
    out.emplace_back(element, path_ + "[" + std::to_string(index++) + "]", file_, problems_);
  }
  return out;
}

std::vector<std::pair<std::string, Field>> Field::Entries() const {
  std::vector<std::pair<std::string, Field>> out;
  if (!Present()) return out;
  if (!node_.IsMap()) {
    Report("expected a mapping of keys to values");
    return out;
  }
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    const YAML::Node key_node = it->first;
    if (!key_node.IsScalar()) continue;  // reported by ExpectMap
    const std::string key = key_node.Scalar();
    Field value(it->second, Join(path_, key), file_, problems_);
    if (value.mark_.line < 0) value.mark_ = key_node.Mark();
    out.emplace_back(key, std::move(value));
  }
  return out;
}

std::optional<std::string> Field::Scalar() const {
  if (!Present()) return std::nullopt;
  if (!node_.IsScalar()) {
    Report("expected a single value, not a " + std::string(node_.IsMap() ? "mapping" : "list"));
    return std::nullopt;
  }
  return node_.Scalar();
}

bool Field::Read(std::string& out) const {
  auto value = Scalar();
  if (!value) return false;
  out = *value;
  return true;
}

bool Field::Read(bool& out) const {
  auto value = Scalar();
  if (!value) return false;
  if (*value == "true") {
    out = true;
  } else if (*value == "false") {
    out = false;
  } else {
    Report("expected true or false, got \"" + *value + "\"");
    return false;
  }
  return true;
}

bool Field::Read(std::int64_t& out, std::int64_t min, std::int64_t max) const {
  auto value = Scalar();
  if (!value) return false;
  std::int64_t parsed = 0;
  const char* begin = value->data();
  const char* end = begin + value->size();
  auto [ptr, ec] = std::from_chars(begin, end, parsed);
  if (ec != std::errc() || ptr != end) {
    Report("expected a whole number, got \"" + *value + "\"");
    return false;
  }
  if (parsed < min || parsed > max) {
    Report("must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " +
           *value);
    return false;
  }
  out = parsed;
  return true;
}

bool Field::ReadDuration(Duration& out, Duration min) const {
  auto value = Scalar();
  if (!value) return false;
  Result<Duration> parsed = ParseDuration(*value);
  if (!parsed) {
    Report(parsed.error().message);
    return false;
  }
  if (*parsed < min) {
    Report("must be at least " + FormatDuration(min) + ", got \"" + *value + "\"");
    return false;
  }
  out = *parsed;
  return true;
}

bool Field::ReadSize(std::uint64_t& out, std::uint64_t min) const {
  auto value = Scalar();
  if (!value) return false;
  Result<std::uint64_t> parsed = ParseSize(*value);
  if (!parsed) {
    Report(parsed.error().message);
    return false;
  }
  if (*parsed < min) {
    Report("must be at least " + std::to_string(min) + " bytes, got \"" + *value + "\"");
    return false;
  }
  out = *parsed;
  return true;
}

bool Field::ReadPath(std::string& out) const {
  std::string value;
  if (!Read(value)) return false;
  if (!value.empty() && value.front() != '/') {
    value = (std::filesystem::absolute(file_).parent_path() / value).lexically_normal().string();
  }
  out = value;
  return true;
}

bool Field::ReadSeverity(std::string& out) const {
  std::string value;
  if (!Read(value)) return false;
  if (!ParseSeverity(value)) {
    Report("expected critical, high, medium or low, got \"" + value + "\"");
    return false;
  }
  out = value;
  return true;
}

bool Field::Read(std::vector<std::string>& out, bool allow_scalar) const {
  if (!Present()) return false;
  // Elements() reports a value that is neither a list nor (when allowed) a single value.
  bool all_read = node_.IsSequence() || (allow_scalar && node_.IsScalar());
  std::vector<std::string> values;
  for (const Field& element : Elements(allow_scalar)) {
    std::string value;
    if (element.Read(value)) {
      values.push_back(std::move(value));
    } else {
      all_read = false;
    }
  }
  if (all_read) out = std::move(values);
  return all_read;
}

bool Field::Read(std::map<std::string, std::string>& out) const {
  if (!Present()) return false;
  if (!node_.IsMap()) {
    Report("expected a mapping of names to values");
    return false;
  }
  std::map<std::string, std::string> values;
  bool all_read = true;
  for (auto& [key, field] : Entries()) {
    std::string value;
    if (!field.Present()) {
      value.clear();
    } else if (!field.Read(value)) {
      all_read = false;
      continue;
    }
    if (!values.emplace(key, value).second) {
      field.Report("duplicate key");
      all_read = false;
    }
  }
  if (all_read) out = std::move(values);
  return all_read;
}

void Field::Require() const {
  if (!Present()) {
    Report("required, but missing");
  } else if (node_.IsScalar() && node_.Scalar().empty()) {
    Report("must not be empty");
  }
}

}  // namespace vigil::config
