#include "alerting/rule_file.h"

#include <glob.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "alerting/promql/parser.h"
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

Labels ReadLabels(const config::Field& field) {
  std::map<std::string, std::string> map;
  field.Read(map);
  Labels labels;
  for (auto& [name, value] : map) {
    if (!IsValidLabelName(name) || name.rfind("__", 0) == 0) {
      field[name].Report("\"" + name +
                         "\" is not a label name (letters, digits and '_', not "
                         "starting with a digit or \"__\")");
      continue;
    }
    if (name == "severity") {
      field[name].Report("set the rule's severity with the severity key, not a label");
      continue;
    }
    labels.push_back({name, value});
  }
  return Normalized(std::move(labels));
}

void ReadRule(std::string_view text, const config::Field& field, RuleSet& set,
              std::set<std::string>& names) {
  if (!field.ExpectMap(
          {"name", "expr", "for", "keep_firing_for", "severity", "labels", "annotations"})) {
    return;
  }
  Rule rule;
  rule.origin = field.file() + ":" + std::to_string(field.mark().line + 1);
  const config::Field name = field["name"];
  name.Require();
  if (name.Read(rule.name)) {
    if (!IsValidRuleName(rule.name)) {
      name.Report("\"" + rule.name +
                  "\" is not a valid rule name (1 to 128 letters, digits, '_', "
                  "'-', ':' or '.')");
    } else if (std::find(kBuiltinRuleNames.begin(), kBuiltinRuleNames.end(), rule.name) !=
               kBuiltinRuleNames.end()) {
      name.Report("\"" + rule.name +
                  "\" is the name of a built-in rule; tune it under "
                  "builtin_rules in collector.yaml");
    } else if (!names.insert(rule.name).second) {
      name.Report("another rule is already named \"" + rule.name + "\"");
    }
  }
  const config::Field expr = field["expr"];
  expr.Require();
  std::string expr_text;
  if (expr.Read(expr_text) && !expr_text.empty()) {
    // One selector compared with a number runs on the per-series engine; anything else is
    // PromQL, whose parser then names the mistakes.
    auto simple = ParseExpr(expr_text);
    if (auto* parsed = std::get_if<Expr>(&simple)) {
      rule.expr = std::move(*parsed);
    } else {
      auto tree = promql::Parse(expr_text);
      if (auto* error = std::get_if<promql::ParseError>(&tree)) {
        const auto [line, column] = ValuePosition(text, expr.mark(), error->offset);
        expr.ReportAt(line, column, error->message);
      } else if (std::get<promql::NodePtr>(tree)->type != promql::ValueType::kVector) {
        expr.Report("an alerting rule's expression must give an instant vector, not a " +
                    std::string(promql::ValueTypeName(std::get<promql::NodePtr>(tree)->type)));
      } else {
        rule.query = std::move(std::get<promql::NodePtr>(tree));
      }
    }
  }
  field["for"].ReadDuration(rule.for_duration, Duration(0));
  field["keep_firing_for"].ReadDuration(rule.keep_firing_for, Duration(0));
  rule.severity = Severity::kMedium;
  std::string severity;
  if (field["severity"].Read(severity)) {
    if (auto parsed = ParseSeverity(severity)) {
      rule.severity = *parsed;
    } else {
      field["severity"].Report("expected critical, high, medium or low, got \"" + severity + "\"");
    }
  }
  rule.labels = ReadLabels(field["labels"]);
  for (auto& [key, value] : field["annotations"].Entries()) {
    std::string template_text;
    if (!value.Read(template_text)) continue;
    Result<Template> compiled = Template::Parse(template_text);
    if (!compiled) {
      value.Report(compiled.error().message);
      continue;
    }
    rule.annotations.emplace_back(key, std::move(*compiled));
  }
  if (set.rules.size() >= kMaxRules) {
    field.Report("more than " + std::to_string(kMaxRules) + " rules");
    return;
  }
  set.rules.push_back(std::move(rule));
}

void ReadRuleDocument(std::string_view text, const config::Field& root, RuleSet& set,
                      std::set<std::string>& names) {
  if (!root.Present()) return;  // an empty file holds no rules
  if (!root.ExpectMap({"rules"})) return;
  for (const config::Field& element : root["rules"].Elements()) {
    ReadRule(text, element, set, names);
  }
}

void ParseInto(std::string_view text, const std::string& file, RuleSet& set,
               std::set<std::string>& names, std::vector<config::Diagnostic>& problems) {
  std::optional<YAML::Node> document = config::ParseYamlText(text, file, problems);
  if (!document) return;
  if (set.source_file.empty()) set.source_file = file;
  set.files.push_back(file);
  ReadRuleDocument(text, config::RootField(*document, file, problems), set, names);
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

config::Loaded<RuleSet> ParseRuleFile(std::string_view text, const std::string& file) {
  config::Loaded<RuleSet> loaded;
  std::set<std::string> names;
  ParseInto(text, file, loaded.config, names, loaded.problems);
  config::SortByPosition(loaded.problems);
  return loaded;
}

config::Loaded<RuleSet> LoadRuleFiles(const std::vector<std::string>& patterns) {
  config::Loaded<RuleSet> loaded;
  std::set<std::string> names;
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
      ParseInto(text.str(), file, loaded.config, names, problems);
      config::SortByPosition(problems);
      loaded.problems.insert(loaded.problems.end(), problems.begin(), problems.end());
    }
  }
  return loaded;
}

}  // namespace vigil::alerting
