// RunRuleTests: promtool's evaluation of rules over test series (alerting/rule_tests.h).

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <ostream>
#include <sstream>
#include <tuple>

#include "alerting/promql/eval_support.h"
#include "alerting/promql/evaluator.h"
#include "alerting/promql/parser.h"
#include "alerting/promql/value.h"
#include "alerting/rule_test_file.h"
#include "alerting/rule_tests.h"

namespace vigil::alerting {
namespace {

using rule_tests::AlertTest;
using rule_tests::ExprTest;
using rule_tests::InputValue;
using rule_tests::TestGroup;

std::int64_t Ms(Duration duration) { return duration.count(); }

// An alert of one rule, as promtool keeps it between evaluations.
struct ActiveAlert {
  Labels labels;  // with alertname
  double value = 0;
  std::int64_t active_at = 0;
  std::int64_t last_held = 0;
  std::optional<std::int64_t> cleared_at;  // the first evaluation it did not hold at, since
  bool firing = false;
};

struct AlertOutcome {
  Labels labels;
  std::map<std::string, std::string> annotations;
  bool operator<(const AlertOutcome& other) const {
    return std::tie(labels, annotations) < std::tie(other.labels, other.annotations);
  }
  bool operator==(const AlertOutcome&) const = default;
};

std::string Describe(const Labels& labels) {
  std::string out = "{";
  for (const Label& label : labels) {
    if (out.size() > 1) out += ", ";
    out += label.name + "=\"" + label.value + "\"";
  }
  return out + "}";
}

std::string Describe(const std::vector<AlertOutcome>& alerts) {
  std::string out = "[";
  for (const AlertOutcome& alert : alerts) {
    if (out.size() > 1) out += ",\n         ";
    out += "labels " + Describe(alert.labels) + " annotations {";
    bool first = true;
    for (const auto& [name, value] : alert.annotations) {
      out += (first ? "" : ", ") + name + "=\"" + value + "\"";
      first = false;
    }
    out += "}";
  }
  return out + "]";
}

std::string Seconds(Duration duration) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(duration).count()) + "s";
}

// One test group's run: its series, the rules' alerts, evaluation by evaluation.
class GroupRun {
 public:
  GroupRun(const TestGroup& group, const RuleSet& rules, Duration evaluation_interval)
      : group_(group), rules_(rules), every_ms_(Ms(evaluation_interval)) {
    for (const rule_tests::InputSeries& series : group.series) {
      for (std::size_t i = 0; i < series.values.size(); ++i) {
        const InputValue& value = series.values[i];
        if (value.kind == InputValue::Kind::kMissing) continue;
        const double number =
            value.kind == InputValue::Kind::kStale ? promql::StaleMarker() : value.number;
        source_.Add(series.labels, {static_cast<std::int64_t>(i) * Ms(group.interval), number});
      }
    }
    for (const Rule& rule : rules.rules) {
      if (rule.query) {
        queries_.push_back(rule.query);
      } else {
        auto tree = promql::Parse(rule.expr->ToString());
        queries_.push_back(std::move(std::get<promql::NodePtr>(tree)));
      }
    }
    active_.resize(rules.rules.size());
  }

  // Evaluates up to the last eval_time, checking each test after the evaluation that covers it.
  void Run(std::ostream& report, RuleTestSummary& summary) {
    std::int64_t last = 0;
    for (const AlertTest& test : group_.alert_tests) last = std::max(last, Ms(test.eval_time));
    for (const ExprTest& test : group_.expr_tests) last = std::max(last, Ms(test.eval_time));
    for (std::int64_t t = 0; t <= last; t += every_ms_) {
      Evaluate(t, report);
      for (const AlertTest& test : group_.alert_tests) {
        if (Ms(test.eval_time) >= t && Ms(test.eval_time) < t + every_ms_) {
          Check(test, report, summary);
        }
      }
      for (const ExprTest& test : group_.expr_tests) {
        if (Ms(test.eval_time) >= t && Ms(test.eval_time) < t + every_ms_) {
          Check(test, report, summary);
        }
      }
    }
  }

 private:
  void Evaluate(std::int64_t t, std::ostream& report) {
    for (const RecordingRule& rule : rules_.recording) {
      auto value = promql::Evaluate(*rule.query, source_, t);
      if (!value) {
        report << "  recording rule " << rule.record << " at " << t / 1000
               << "s: " << value.error().message << "\n";
        continue;
      }
      for (promql::Sample& sample : std::get<promql::Vector>(*value)) {
        Labels labels = std::move(sample.labels);
        SetLabel(labels, promql::kMetricNameLabel, rule.record);
        for (const Label& label : rule.labels) SetLabel(labels, label.name, label.value);
        source_.Add(labels, {t, sample.value});
      }
    }
    for (std::size_t index = 0; index < rules_.rules.size(); ++index) {
      EvaluateAlert(index, t, report);
    }
  }

  void EvaluateAlert(std::size_t index, std::int64_t t, std::ostream& report) {
    const Rule& rule = rules_.rules[index];
    std::map<std::string, ActiveAlert>& active = active_[index];
    auto value = promql::Evaluate(*queries_[index], source_, t);
    if (!value) {
      report << "  rule " << rule.name << " at " << t / 1000 << "s: " << value.error().message
             << "\n";
      return;
    }
    for (promql::Sample& sample : std::get<promql::Vector>(*value)) {
      Labels labels = std::move(sample.labels);
      SetLabel(labels, promql::kMetricNameLabel, "");
      for (const Label& label : rule.labels) SetLabel(labels, label.name, label.value);
      if (!rule.severity_label.empty()) SetLabel(labels, "severity", rule.severity_label);
      SetLabel(labels, "alertname", rule.name);
      ActiveAlert& alert = active[promql::LabelsKey(labels)];
      if (alert.labels.empty()) {
        alert.labels = std::move(labels);
        alert.active_at = t;
      }
      alert.value = sample.value;
      alert.last_held = t;
      alert.cleared_at.reset();
    }
    for (auto it = active.begin(); it != active.end();) {
      ActiveAlert& alert = it->second;
      if (alert.last_held != t) {
        if (!alert.cleared_at) alert.cleared_at = t;
        // keep_firing_for counts from the evaluation that found the condition gone.
        if (!alert.firing || t - *alert.cleared_at >= Ms(rule.keep_firing_for)) {
          it = active.erase(it);
          continue;
        }
      }
      if (t - alert.active_at >= Ms(rule.for_duration)) alert.firing = true;
      ++it;
    }
  }

  void Check(const AlertTest& test, std::ostream& report, RuleTestSummary& summary) {
    ++summary.checks;
    std::vector<AlertOutcome> got;
    for (std::size_t index = 0; index < rules_.rules.size(); ++index) {
      const Rule& rule = rules_.rules[index];
      if (rule.name != test.alertname) continue;
      for (const auto& [key, alert] : active_[index]) {
        if (!alert.firing) continue;
        AlertOutcome outcome{alert.labels, {}};
        Labels template_labels = alert.labels;
        SetLabel(template_labels, "alertname", "");
        for (const auto& [name, text] : rule.annotations) {
          outcome.annotations[name] = text.Render(template_labels, alert.value);
        }
        got.push_back(std::move(outcome));
      }
    }
    std::vector<AlertOutcome> expected;
    for (const rule_tests::ExpectedAlert& alert : test.alerts) {
      AlertOutcome outcome{alert.labels, alert.annotations};
      SetLabel(outcome.labels, "alertname", test.alertname);
      expected.push_back(std::move(outcome));
    }
    std::sort(got.begin(), got.end());
    std::sort(expected.begin(), expected.end());
    if (got == expected) return;
    ++summary.failed;
    report << "  FAILED " << test.where << ": alertname " << test.alertname << ", time "
           << Seconds(test.eval_time) << "\n    exp: " << Describe(expected)
           << "\n    got: " << Describe(got) << "\n";
  }

  void Check(const ExprTest& test, std::ostream& report, RuleTestSummary& summary) {
    ++summary.checks;
    const auto fail = [&](const std::string& what) {
      ++summary.failed;
      report << "  FAILED " << test.where << ": expr " << test.expr << ", time "
             << Seconds(test.eval_time) << "\n    " << what << "\n";
    };
    auto tree = promql::Parse(test.expr);
    if (auto* error = std::get_if<promql::ParseError>(&tree)) return fail(error->message);
    auto value = promql::Evaluate(*std::get<promql::NodePtr>(tree), source_, Ms(test.eval_time));
    if (!value) return fail(value.error().message);
    std::vector<std::pair<Labels, double>> got;
    if (const auto* vector = std::get_if<promql::Vector>(&*value)) {
      for (const promql::Sample& sample : *vector) got.emplace_back(sample.labels, sample.value);
    } else if (const double* scalar = std::get_if<double>(&*value)) {
      got.emplace_back(Labels{}, *scalar);
    } else {
      return fail("the expression gives neither a vector nor a scalar");
    }
    std::vector<std::pair<Labels, double>> expected;
    for (const rule_tests::ExpectedSample& sample : test.samples) {
      expected.emplace_back(sample.labels, sample.value);
    }
    std::sort(got.begin(), got.end());
    std::sort(expected.begin(), expected.end());
    const auto same = [](const std::pair<Labels, double>& a, const std::pair<Labels, double>& b) {
      if (a.first != b.first) return false;
      if (std::isnan(a.second) || std::isnan(b.second)) {
        return std::isnan(a.second) && std::isnan(b.second);
      }
      return a.second == b.second ||
             std::fabs(a.second - b.second) <= 1e-6 * std::max(std::fabs(a.second), 1.0);
    };
    if (std::equal(got.begin(), got.end(), expected.begin(), expected.end(), same)) return;
    std::string what = "exp: [";
    for (const auto& [labels, number] : expected)
      what += Describe(labels) + " " + FormatValue(number) + " ";
    what += "]\n    got: [";
    for (const auto& [labels, number] : got)
      what += Describe(labels) + " " + FormatValue(number) + " ";
    fail(what + "]");
  }

  const TestGroup& group_;
  const RuleSet& rules_;
  const std::int64_t every_ms_;
  promql::MemorySeriesSource source_;
  std::vector<std::shared_ptr<const promql::Node>> queries_;
  std::vector<std::map<std::string, ActiveAlert>> active_;  // per rule, by the alert's labels
};

}  // namespace

RuleTestSummary RunRuleTests(const std::string& file, const RuleFileOptions& options,
                             std::ostream& report) {
  RuleTestSummary summary;
  auto loaded = rule_tests::ReadTestFile(file);
  if (!loaded.ok()) {
    summary.problems = std::move(loaded.problems);
    return summary;
  }
  const rule_tests::TestFile& tests = loaded.config;
  for (std::size_t i = 0; i < tests.groups.size(); ++i) {
    const TestGroup& group = tests.groups[i];
    RuleFileOptions group_options = options;
    auto globals = std::make_shared<TemplateGlobals>();
    globals->external_labels = group.external_labels;
    globals->external_url = group.external_url;
    group_options.globals = std::move(globals);
    auto rules = LoadRuleFiles(tests.rule_files, group_options);
    if (!rules.ok()) {
      summary.problems = std::move(rules.problems);
      return summary;
    }
    const int failed_before = summary.failed;
    std::ostringstream details;
    GroupRun(group, rules.config, tests.evaluation_interval).Run(details, summary);
    report << (summary.failed == failed_before ? "PASS " : "FAIL ") << file << " test "
           << (group.name.empty() ? "#" + std::to_string(i + 1) : group.name) << "\n"
           << details.str();
  }
  return summary;
}

}  // namespace vigil::alerting
