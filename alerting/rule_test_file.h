#pragma once
// A promtool-format rule test file, read (alerting/rule_tests.h). Internal to rule_test*.cc.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "alerting/labels.h"
#include "common/units.h"
#include "config/diagnostic.h"

namespace vigil::alerting::rule_tests {

// One point of an input series: a number, nothing ("_"), or a staleness marker ("stale").
struct InputValue {
  enum class Kind { kNumber, kMissing, kStale } kind = Kind::kNumber;
  double number = 0;
};

struct InputSeries {
  Labels labels;  // with __name__
  std::vector<InputValue> values;
};

struct ExpectedAlert {
  Labels labels;
  std::map<std::string, std::string> annotations;
};

struct AlertTest {
  Duration eval_time{0};
  std::string alertname;
  std::vector<ExpectedAlert> alerts;
  std::string where;  // FILE:LINE, for the report
};

struct ExpectedSample {
  Labels labels;
  double value = 0;
};

struct ExprTest {
  std::string expr;
  Duration eval_time{0};
  std::vector<ExpectedSample> samples;
  std::string where;
};

struct TestGroup {
  std::string name;
  Duration interval{0};  // of the input series' points
  Labels external_labels;
  std::string external_url;
  std::vector<InputSeries> series;
  std::vector<AlertTest> alert_tests;
  std::vector<ExprTest> expr_tests;
};

struct TestFile {
  std::string source_file;
  std::vector<std::string> rule_files;  // absolute
  Duration evaluation_interval{std::chrono::minutes(1)};
  std::vector<TestGroup> groups;
};

config::Loaded<TestFile> ReadTestFile(const std::string& file);

// "1+2x3" → 1 3 5 7; "_x2" → two missing; "stale"; values separated by spaces. nullopt and
// `error` set when the text is not that notation.
std::optional<std::vector<InputValue>> ExpandValues(const std::string& text, std::string& error);

// `name{a="b"}` → {__name__=name, a=b}; nullopt and `error` set when it is not such a selector.
std::optional<Labels> SeriesLabels(const std::string& text, std::string& error);

}  // namespace vigil::alerting::rule_tests
