#include "collector/incidents/rule_setup.h"

#include <variant>

#include "alerting/rule_file.h"

namespace vigil::collector {
namespace {

alerting::Rule Builtin(const std::string& name,
                       const config::CollectorConfig::BuiltinRules::Builtin& config,
                       std::string summary_template) {
  alerting::Rule rule;
  rule.name = name;
  rule.builtin = true;
  rule.severity = ParseSeverity(config.severity).value_or(Severity::kHigh);
  rule.for_duration = config.for_duration;
  rule.keep_firing_for = config.keep_firing_for;
  rule.origin = "builtin_rules." + name;
  rule.annotations.emplace_back("summary", *alerting::Template::Parse(summary_template));
  return rule;
}

}  // namespace

std::vector<alerting::Rule> BuiltinRules(const config::CollectorConfig::BuiltinRules& config,
                                         ProbeSeverity probe_severity) {
  std::vector<alerting::Rule> rules;
  const std::string after = FormatDuration(config.agent_down_after);
  if (config.agent_down.enabled) {
    alerting::Rule rule = Builtin("AgentDown", config.agent_down,
                                  "agent {{ $labels.agent }} of {{ $labels.customer }} has sent "
                                  "nothing for " +
                                      after);
    rule.description = "no batch or heartbeat from the agent for " + after +
                       " (builtin_rules.agent_down_after), without a Goodbye";
    rules.push_back(std::move(rule));
  }
  if (config.agent_stopped.enabled) {
    alerting::Rule rule = Builtin("AgentStopped", config.agent_stopped,
                                  "agent {{ $labels.agent }} of {{ $labels.customer }} was stopped "
                                  "and has not come back for " +
                                      after);
    rule.description = "the agent said Goodbye and has not come back within " + after;
    rules.push_back(std::move(rule));
  }
  if (config.probe_failing.enabled) {
    alerting::Rule rule = Builtin("ProbeFailing", config.probe_failing,
                                  "probe {{ $labels.probe }} ({{ $labels.type }}) fails on "
                                  "{{ $labels.agent }}");
    rule.expr = std::get<alerting::Expr>(alerting::ParseExpr("vigil_probe_success == 0"));
    rule.severity_of = std::move(probe_severity);
    rules.push_back(std::move(rule));
  }
  if (config.security_finding.enabled) {
    alerting::Rule rule = Builtin("SecurityFinding", config.security_finding,
                                  "security check {{ $labels.check }} found {{ $labels.key }} on "
                                  "{{ $labels.agent }}");
    rule.description =
        "an agent's security scan reports a finding (one incident per agent, "
        "check and key; resolved when the finding clears)";
    rules.push_back(std::move(rule));
  }
  return rules;
}

alerting::RuleFileOptions RuleFileOptionsFrom(const config::CollectorConfig& config) {
  alerting::RuleFileOptions options;
  for (const auto& [word, severity] : config.rule_severity_labels) {
    options.severity_labels[word] = severity;
  }
  auto globals = std::make_shared<alerting::TemplateGlobals>();
  for (const auto& [name, value] : config.external_labels) {
    globals->external_labels.push_back({name, value});
  }
  globals->external_labels = alerting::Normalized(std::move(globals->external_labels));
  globals->external_url = config.notifications.external_url;
  options.globals = std::move(globals);
  return options;
}

config::Loaded<alerting::FileRules> LoadRuleFiles(const config::CollectorConfig& config) {
  auto loaded = alerting::LoadRuleFiles(config.rule_files, RuleFileOptionsFrom(config));
  return {{std::move(loaded.config.rules), std::move(loaded.config.recording)},
          std::move(loaded.problems)};
}

}  // namespace vigil::collector
