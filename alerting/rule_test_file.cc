#include "alerting/rule_test_file.h"

#include <cmath>
#include <cstdlib>
#include <sstream>

#include "alerting/promql/parser.h"
#include "alerting/promql/value.h"
#include "config/detail/yaml_reader.h"

namespace vigil::alerting::rule_tests {
namespace {

// More points than this in one series is a mistake (a day at one a second is 86400).
constexpr std::size_t kMaxPointsPerSeries = 1'000'000;

std::optional<double> Number(const std::string& text) {
  if (text == "Inf" || text == "+Inf") return HUGE_VAL;
  if (text == "-Inf") return -HUGE_VAL;
  if (text == "NaN") return std::nan("");
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size()) return std::nullopt;
  return value;
}

Labels ReadLabelMap(const config::Field& field) {
  std::map<std::string, std::string> map;
  field.Read(map);
  Labels labels;
  for (auto& [name, value] : map) labels.push_back({name, value});
  return Normalized(std::move(labels));
}

void ReadSeries(const config::Field& field, TestGroup& group) {
  if (!field.ExpectMap({"series", "values"})) return;
  InputSeries series;
  std::string text;
  std::string error;
  field["series"].Require();
  if (field["series"].Read(text)) {
    if (auto labels = SeriesLabels(text, error)) {
      series.labels = std::move(*labels);
    } else {
      field["series"].Report(error);
      return;
    }
  }
  field["values"].Require();
  if (field["values"].Read(text)) {
    if (auto values = ExpandValues(text, error)) {
      series.values = std::move(*values);
    } else {
      field["values"].Report(error);
      return;
    }
  }
  group.series.push_back(std::move(series));
}

void ReadAlertTest(const config::Field& field, TestGroup& group) {
  if (!field.ExpectMap({"eval_time", "alertname", "exp_alerts"})) return;
  AlertTest test;
  test.where = field.file() + ":" + std::to_string(field.mark().line + 1);
  field["eval_time"].Require();
  field["eval_time"].ReadDuration(test.eval_time, Duration(0));
  field["alertname"].Require();
  field["alertname"].Read(test.alertname);
  for (const config::Field& alert : field["exp_alerts"].Elements()) {
    if (!alert.ExpectMap({"exp_labels", "exp_annotations"})) continue;
    ExpectedAlert expected;
    expected.labels = ReadLabelMap(alert["exp_labels"]);
    alert["exp_annotations"].Read(expected.annotations);
    test.alerts.push_back(std::move(expected));
  }
  group.alert_tests.push_back(std::move(test));
}

void ReadExprTest(const config::Field& field, TestGroup& group) {
  if (!field.ExpectMap({"expr", "eval_time", "exp_samples"})) return;
  ExprTest test;
  test.where = field.file() + ":" + std::to_string(field.mark().line + 1);
  field["expr"].Require();
  field["expr"].Read(test.expr);
  field["eval_time"].Require();
  field["eval_time"].ReadDuration(test.eval_time, Duration(0));
  for (const config::Field& sample : field["exp_samples"].Elements()) {
    if (!sample.ExpectMap({"labels", "value"})) continue;
    ExpectedSample expected;
    std::string text;
    std::string error;
    if (sample["labels"].Read(text)) {
      if (auto labels = SeriesLabels(text, error)) {
        expected.labels = std::move(*labels);
      } else {
        sample["labels"].Report(error);
      }
    }
    sample["value"].Require();
    if (sample["value"].Read(text)) {
      if (auto number = Number(text)) {
        expected.value = *number;
      } else {
        sample["value"].Report("\"" + text + "\" is not a number");
      }
    }
    test.samples.push_back(std::move(expected));
  }
  group.expr_tests.push_back(std::move(test));
}

void ReadGroup(const config::Field& field, TestFile& file) {
  if (!field.ExpectMap({"name", "interval", "input_series", "alert_rule_test", "promql_expr_test",
                        "external_labels", "external_url"})) {
    return;
  }
  TestGroup group;
  field["name"].Read(group.name);
  group.interval = file.evaluation_interval;
  field["interval"].ReadDuration(group.interval);
  group.external_labels = ReadLabelMap(field["external_labels"]);
  field["external_url"].Read(group.external_url);
  for (const config::Field& series : field["input_series"].Elements()) ReadSeries(series, group);
  for (const config::Field& test : field["alert_rule_test"].Elements()) ReadAlertTest(test, group);
  for (const config::Field& test : field["promql_expr_test"].Elements()) ReadExprTest(test, group);
  file.groups.push_back(std::move(group));
}

void ReadTestDocument(const config::Field& root, TestFile& file) {
  if (!root.Present()) {
    root.Report("the file is empty; it needs rule_files and tests");
    return;
  }
  if (!root.ExpectMap({"rule_files", "evaluation_interval", "group_eval_order", "tests"})) return;
  for (const config::Field& pattern : root["rule_files"].Elements()) {
    std::string path;
    if (pattern.ReadPath(path)) file.rule_files.push_back(path);
  }
  root["evaluation_interval"].ReadDuration(file.evaluation_interval);
  root["tests"].Require();
  for (const config::Field& group : root["tests"].Elements()) ReadGroup(group, file);
}

}  // namespace

config::Loaded<TestFile> ReadTestFile(const std::string& file) {
  std::vector<config::Diagnostic> problems;
  std::optional<YAML::Node> document = config::LoadYamlFile(file, problems);
  return config::ReadDocument(document, file, std::move(problems), &ReadTestDocument);
}

std::optional<std::vector<InputValue>> ExpandValues(const std::string& text, std::string& error) {
  std::vector<InputValue> values;
  std::istringstream words(text);
  std::string word;
  while (words >> word) {
    // a, _, stale, then optionally +bxn, -bxn or xn.
    InputValue start;
    std::size_t rest = 0;
    if (word.rfind("stale", 0) == 0) {
      start.kind = InputValue::Kind::kStale;
      rest = 5;
    } else if (word.rfind("_", 0) == 0) {
      start.kind = InputValue::Kind::kMissing;
      rest = 1;
    } else {
      rest = word.find_first_of("+-x", 1);
      if (rest != std::string::npos && (word[rest - 1] == 'e' || word[rest - 1] == 'E')) {
        rest = word.find_first_of("+-x", rest + 1);
      }
      if (rest == std::string::npos) rest = word.size();
      const auto number = Number(word.substr(0, rest));
      if (!number) {
        error = "\"" + word + "\" is not a value (a number, _, stale, a+bxn, a-bxn or axn)";
        return std::nullopt;
      }
      start.number = *number;
    }
    double step = 0;
    long long times = 0;
    if (rest < word.size()) {
      const std::size_t x = word.find('x', rest);
      const std::string increment = word.substr(rest, x == std::string::npos ? 0 : x - rest);
      const auto parsed_step = increment.empty() ? std::optional<double>(0) : Number(increment);
      char* end = nullptr;
      times = x == std::string::npos ? -1 : std::strtoll(word.c_str() + x + 1, &end, 10);
      if (!parsed_step || times < 0 || end != word.c_str() + word.size() ||
          (start.kind != InputValue::Kind::kNumber && !increment.empty())) {
        error = "\"" + word + "\" is not a value (a number, _, stale, a+bxn, a-bxn or axn)";
        return std::nullopt;
      }
      step = *parsed_step;
    }
    if (values.size() + static_cast<std::size_t>(times) + 1 > kMaxPointsPerSeries) {
      error = "more than " + std::to_string(kMaxPointsPerSeries) + " points in one series";
      return std::nullopt;
    }
    for (long long i = 0; i <= times; ++i) {
      InputValue value = start;
      value.number = start.number + step * static_cast<double>(i);
      values.push_back(value);
    }
  }
  return values;
}

std::optional<Labels> SeriesLabels(const std::string& text, std::string& error) {
  auto tree = promql::Parse(text);
  if (auto* failure = std::get_if<promql::ParseError>(&tree)) {
    error = "\"" + text + "\" is not a series: " + failure->message;
    return std::nullopt;
  }
  const promql::Node& node = *std::get<promql::NodePtr>(tree);
  if (node.kind != promql::Node::Kind::kVectorSelector) {
    error = "\"" + text + "\" is not a series (name{label=\"value\", ...})";
    return std::nullopt;
  }
  Labels labels;
  if (!node.text.empty()) labels.push_back({std::string(promql::kMetricNameLabel), node.text});
  for (const LabelMatcher& matcher : node.matchers) {
    if (matcher.op() != MatchOp::kEqual) {
      error = "\"" + text + "\" is not a series: its labels are given with =";
      return std::nullopt;
    }
    labels.push_back({matcher.name(), matcher.value()});
  }
  return Normalized(std::move(labels));
}

}  // namespace vigil::alerting::rule_tests
