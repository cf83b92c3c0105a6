#include "alerting/rule_file.h"

#include <glob.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "alerting/promql/parser.h"
#include "alerting/promql_rules.h"
#include "common/exposition.h"
#include "config/detail/yaml_reader.h"

namespace vigil::alerting {
namespace {

// The 1-based line and column of byte `offset` of a scalar's value, for a scalar that starts at
// `mark` in `text`: after the opening quote of a quoted one, on the line after the indicator of
// a block one. A line break in the source is one character of the value (a folded space or a
// newline); the indentation after it is not. Escapes in double-quoted text can shift the column.
std::pair<int, int> ValuePosition(std::string_view text, const YAML::Mark& mark,
                                  std::size_t offset) {
  if (mark.pos < 0 || static_cast<std::size_t>(mark.pos) >= text.size()) {
    return {mark.line + 1, mark.column + 1};
  }
  std::size_t pos = static_cast<std::size_t>(mark.pos);
  int line = mark.line;
  int column = mark.column;
  const auto skip_indentation = [&] {
    while (pos < text.size() && text[pos] == ' ') {
      ++pos;
      ++column;
    }
  };
  if (text[pos] == '"' || text[pos] == '\'') {
    ++pos;
    ++column;
  } else if (text[pos] == '|' || text[pos] == '>') {
    const std::size_t newline = text.find('\n', pos);
    if (newline == std::string_view::npos) return {line + 1, column + 1};
    pos = newline + 1;
    ++line;
    column = 0;
    skip_indentation();
  }
  for (std::size_t consumed = 0; consumed < offset && pos < text.size(); ++consumed) {
    if (text[pos] == '\n') {
      ++pos;
      ++line;
      column = 0;
      skip_indentation();
    } else {
      ++pos;
      ++column;
    }
  }
  return {line + 1, column + 1};
}

bool IsTemplated(std::string_view text) { return text.find("{{") != std::string_view::npos; }

// Reads the documents of one load, in order, into `set`.
class RuleReader {
 public:
  RuleReader(RuleSet& set, const RuleFileOptions& options) : set_(set), options_(options) {}

  void ReadDocument(std::string_view text, const config::Field& root) {
    if (!root.Present()) return;  // an empty file holds no rules
    if (!root.ExpectMap({"rules", "groups"})) return;
    text_ = text;
    if (root["rules"].Present() && root["groups"].Present()) {
      root["groups"].Report(
          "a file holds either Vigil's rules or Prometheus's groups, not both; "
          "put them in two files");
      return;
    }
    for (const config::Field& element : root["rules"].Elements()) ReadVigilRule(element);
    std::set<std::string> group_names;
    for (const config::Field& group : root["groups"].Elements()) ReadGroup(group, group_names);
  }

  // After every file: gives repeated alert names their keys, and moves rules that select a
  // recorded series to the PromQL engine, which is where recorded series are.
  void Finish() {
    std::map<std::string, int> seen;
    for (Rule& rule : set_.rules) {
      const int count = ++seen[rule.name];
      if (count > 1) rule.key = rule.name + "#" + std::to_string(count);
    }
    std::set<std::string> recorded;
    for (const RecordingRule& recording : set_.recording) recorded.insert(recording.record);
    for (Rule& rule : set_.rules) {
      if (!rule.expr || !recorded.count(rule.expr->metric)) continue;
      auto tree = promql::Parse(rule.expr->ToString());
      if (auto* parsed = std::get_if<promql::NodePtr>(&tree)) {
        rule.query = std::move(*parsed);
        rule.expr.reset();
      }
    }
  }

 private:
  enum class Format { kVigil, kPrometheus };

  void ReadVigilRule(const config::Field& field) {
    if (!field.ExpectMap(
            {"name", "expr", "for", "keep_firing_for", "severity", "labels", "annotations"})) {
      return;
    }
    Rule rule;
    rule.origin = Origin(field);
    ReadName(field["name"], Format::kVigil, rule.name);
    ReadAlertExpr(field["expr"], rule);
    field["for"].ReadDuration(rule.for_duration, Duration(0));
    field["keep_firing_for"].ReadDuration(rule.keep_firing_for, Duration(0));
    rule.severity = Severity::kMedium;
    std::string severity;
    if (field["severity"].Read(severity)) {
      if (auto parsed = ParseSeverity(severity)) {
        rule.severity = *parsed;
      } else {
        field["severity"].Report("expected critical, high, medium or low, got \"" + severity +
                                 "\"");
      }
    }
    rule.labels = ReadLabels(field["labels"], Format::kVigil, &rule.severity);
    ReadAnnotations(field["annotations"], rule);
    Add(field, std::move(rule));
  }

  void ReadGroup(const config::Field& field, std::set<std::string>& group_names) {
    if (!field.ExpectMap({"name", "interval", "rules"})) return;
    std::string group;
    const config::Field name = field["name"];
    name.Require();
    if (name.Read(group) && !group_names.insert(group).second) {
      name.Report("another group in this file is named \"" + group + "\"");
    }
    // Rules run as each agent's batch arrives; the interval is that of fleet rules.
    Duration interval{0};
    field["interval"].ReadDuration(interval);
    const std::size_t first_rule = set_.rules.size();
    for (const config::Field& element : field["rules"].Elements()) {
      if (element["record"].Present() && element["alert"].Present()) {
        element["record"].Report("a rule either records a series or alerts, not both");
      } else if (element["record"].Present()) {
        ReadRecordingRule(element, group);
      } else {
        ReadPrometheusAlert(element, group);
      }
    }
    if (interval.count() > 0) {
      for (std::size_t i = first_rule; i < set_.rules.size(); ++i)
        set_.rules[i].interval = interval;
    }
  }

  void ReadPrometheusAlert(const config::Field& field, const std::string& group) {
    if (!field.ExpectMap({"alert", "expr", "for", "keep_firing_for", "labels", "annotations"})) {
      return;
    }
    Rule rule;
    rule.origin = Origin(field);
    rule.group = group;
    ReadName(field["alert"], Format::kPrometheus, rule.name);
    ReadAlertExpr(field["expr"], rule);
    field["for"].ReadDuration(rule.for_duration, Duration(0));
    field["keep_firing_for"].ReadDuration(rule.keep_firing_for, Duration(0));
    rule.severity = Severity::kMedium;
    rule.labels =
        ReadLabels(field["labels"], Format::kPrometheus, &rule.severity, &rule.severity_label);
    ReadAnnotations(field["annotations"], rule);
    Add(field, std::move(rule));
  }

  void ReadRecordingRule(const config::Field& field, const std::string& group) {
    if (!field.ExpectMap({"record", "expr", "labels"})) return;
    RecordingRule rule;
    rule.origin = Origin(field);
    rule.group = group;
    const config::Field record = field["record"];
    if (record.Read(rule.record) && !IsValidMetricName(rule.record)) {
      record.Report("\"" + rule.record +
                    "\" is not a metric name (letters, digits, '_' and ':', not starting "
                    "with a digit)");
    }
    const config::Field expr = field["expr"];
    expr.Require();
    std::string expr_text;
    if (expr.Read(expr_text) && !expr_text.empty()) {
      rule.query = ParseQuery(expr, expr_text, "a recording rule's");
    }
    rule.labels = ReadLabels(field["labels"], Format::kPrometheus, nullptr);
    if (set_.rules.size() + set_.recording.size() >= kMaxRules) {
      field.Report("more than " + std::to_string(kMaxRules) + " rules");
      return;
    }
    set_.recording.push_back(std::move(rule));
  }

  void ReadName(const config::Field& name, Format format, std::string& out) {
    name.Require();
    if (!name.Read(out)) return;
    if (!IsValidRuleName(out)) {
      name.Report("\"" + out +
                  "\" is not a valid rule name (1 to 128 letters, digits, '_', "
                  "'-', ':' or '.')");
      return;
    }
    if (std::find(kBuiltinRuleNames.begin(), kBuiltinRuleNames.end(), out) !=
        kBuiltinRuleNames.end()) {
      name.Report("\"" + out +
                  "\" is the name of a built-in rule; tune it under "
                  "builtin_rules in collector.yaml");
      return;
    }
    // Prometheus names an alert by its name and labels, so its files repeat names (one rule per
    // severity, say); Vigil's own format names each rule once.
    auto [found, added] = names_.try_emplace(out, format);
    if (!added && (format == Format::kVigil || found->second == Format::kVigil)) {
      name.Report("another rule is already named \"" + out + "\"");
    }
  }

  void ReadAlertExpr(const config::Field& expr, Rule& rule) {
    expr.Require();
    std::string expr_text;
    if (!expr.Read(expr_text) || expr_text.empty()) return;
    // One selector compared with a number runs on the per-series engine; anything else is
    // PromQL, whose parser then names the mistakes.
    auto simple = ParseExpr(expr_text);
    if (auto* parsed = std::get_if<Expr>(&simple)) {
      rule.expr = std::move(*parsed);
    } else {
      rule.query = ParseQuery(expr, expr_text, "an alerting rule's");
      rule.fleet = rule.query && IsFleetQuery(*rule.query);
    }
  }

  std::shared_ptr<const promql::Node> ParseQuery(const config::Field& expr,
                                                 const std::string& expr_text,
                                                 const std::string& whose) {
    auto tree = promql::Parse(expr_text);
    if (auto* error = std::get_if<promql::ParseError>(&tree)) {
      const auto [line, column] = ValuePosition(text_, expr.mark(), error->offset);
      expr.ReportAt(line, column, error->message);
      return nullptr;
    }
    promql::NodePtr& node = std::get<promql::NodePtr>(tree);
    if (node->type != promql::ValueType::kVector) {
      expr.Report(whose + " expression must give an instant vector, not a " +
                  std::string(promql::ValueTypeName(node->type)));
      return nullptr;
    }
    return std::move(node);
  }

  // A Prometheus-format alert's `severity` label sets `severity`; Vigil's format has a key for
  // it; `severity_word` receives the label as written. Null `severity`: the label is an ordinary
  // one (a recording rule's).
  Labels ReadLabels(const config::Field& field, Format format, Severity* severity,
                    std::string* severity_word = nullptr) {
    std::map<std::string, std::string> map;
    field.Read(map);
    Labels labels;
    for (auto& [name, value] : map) {
      const config::Field label = field[name];
      if (!IsValidLabelName(name) || name.rfind("__", 0) == 0) {
        label.Report("\"" + name +
                     "\" is not a label name (letters, digits and '_', not "
                     "starting with a digit or \"__\")");
        continue;
      }
      if (IsTemplated(value)) {
        label.Report("a label's value is fixed text here; templates are for annotations");
        continue;
      }
      if (name == "severity" && severity != nullptr) {
        if (format == Format::kVigil) {
          label.Report("set the rule's severity with the severity key, not a label");
        } else if (auto found = options_.severity_labels.find(value);
                   found != options_.severity_labels.end()) {
          *severity = found->second;
          if (severity_word != nullptr) *severity_word = value;
        } else {
          label.Report("\"" + value +
                       "\" is not a severity this collector knows; map it under "
                       "rule_severity_labels in collector.yaml");
        }
        continue;
      }
      labels.push_back({name, value});
    }
    return Normalized(std::move(labels));
  }

  void ReadAnnotations(const config::Field& field, Rule& rule) {
    for (auto& [key, value] : field.Entries()) {
      std::string template_text;
      if (!value.Read(template_text)) continue;
      std::size_t offset = 0;
      Result<Template> compiled = Template::Parse(template_text, &offset, options_.globals);
      if (!compiled) {
        const auto [line, column] = ValuePosition(text_, value.mark(), offset);
        value.ReportAt(line, column, compiled.error().message);
        continue;
      }
      rule.annotations.emplace_back(key, std::move(*compiled));
    }
  }

  void Add(const config::Field& field, Rule rule) {
    if (set_.rules.size() + set_.recording.size() >= kMaxRules) {
      field.Report("more than " + std::to_string(kMaxRules) + " rules");
      return;
    }
    set_.rules.push_back(std::move(rule));
  }

  static std::string Origin(const config::Field& field) {
    return field.file() + ":" + std::to_string(field.mark().line + 1);
  }

  RuleSet& set_;
  const RuleFileOptions& options_;
  std::string_view text_;
  std::map<std::string, Format> names_;
};

void ParseInto(std::string_view text, const std::string& file, RuleReader& reader, RuleSet& set,
               std::vector<config::Diagnostic>& problems) {
  std::optional<YAML::Node> document = config::ParseYamlText(text, file, problems);
  if (!document) return;
  if (set.source_file.empty()) set.source_file = file;
  set.files.push_back(file);
  reader.ReadDocument(text, config::RootField(*document, file, problems));
}

bool HasWildcard(const std::string& pattern) {
  return pattern.find_first_of("*?[") != std::string::npos;
}

}  // namespace

bool IsValidRuleName(std::string_view name) {
  if (name.empty() || name.size() > 128) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == ':' || c == '.';
  });
}

std::map<std::string, Severity> DefaultSeverityLabels() {
  return {{"critical", Severity::kCritical},
          {"error", Severity::kHigh},
          {"high", Severity::kHigh},
          {"warning", Severity::kMedium},
          {"medium", Severity::kMedium},
          {"info", Severity::kLow},
          {"low", Severity::kLow}};
}

config::Loaded<RuleSet> ParseRuleFile(std::string_view text, const std::string& file,
                                      const RuleFileOptions& options) {
  config::Loaded<RuleSet> loaded;
  RuleReader reader(loaded.config, options);
  ParseInto(text, file, reader, loaded.config, loaded.problems);
  reader.Finish();
  config::SortByPosition(loaded.problems);
  return loaded;
}

config::Loaded<RuleSet> LoadRuleFiles(const std::vector<std::string>& patterns,
                                      const RuleFileOptions& options) {
  config::Loaded<RuleSet> loaded;
  RuleReader reader(loaded.config, options);
  std::set<std::string> read;
  for (const std::string& pattern : patterns) {
    std::vector<std::string> files;
    glob_t matches{};
    const int status = glob(pattern.c_str(), GLOB_ERR, nullptr, &matches);
    if (status == 0) {
      for (std::size_t i = 0; i < matches.gl_pathc; ++i) files.emplace_back(matches.gl_pathv[i]);
    }
    globfree(&matches);
    if (files.empty() && !HasWildcard(pattern)) {
      loaded.problems.push_back({pattern, 0, 0, "", "rule file not found"});
      continue;
    }
    std::sort(files.begin(), files.end());
    for (const std::string& file : files) {
      if (!read.insert(file).second) continue;  // matched by two patterns: read once
      std::error_code size_error;
      if (std::filesystem::file_size(file, size_error) > config::kMaxConfigFileBytes) {
        loaded.problems.push_back({file, 0, 0, "",
                                   "the rule file is larger than " +
                                       std::to_string(config::kMaxConfigFileBytes) + " bytes"});
        continue;
      }
      std::ifstream in(file, std::ios::binary);
      if (!in) {
        loaded.problems.push_back({file, 0, 0, "", "cannot read the rule file"});
        continue;
      }
      std::ostringstream text;
      text << in.rdbuf();
      std::vector<config::Diagnostic> problems;
      ParseInto(text.str(), file, reader, loaded.config, problems);
      config::SortByPosition(problems);
      loaded.problems.insert(loaded.problems.end(), problems.begin(), problems.end());
    }
  }
  reader.Finish();
  return loaded;
}

}  // namespace vigil::alerting
