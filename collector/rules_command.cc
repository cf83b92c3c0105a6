#include "collector/rules_command.h"

#include <filesystem>
#include <ostream>

#include "alerting/rule_file.h"
#include "alerting/rule_tests.h"
#include "collector/incidents/rule_setup.h"
#include "common/command_line.h"
#include "config/collector_config.h"

namespace vigil::collector {
namespace {

// The severity words and template globals of collector.yaml, when there is one; its other
// settings (and their mistakes) are --check-config's business.
alerting::RuleFileOptions OptionsFrom(const std::string& config_file) {
  std::error_code missing;
  if (config_file.empty() || !std::filesystem::exists(config_file, missing)) return {};
  return RuleFileOptionsFrom(config::LoadCollectorConfig(config_file).config);
}

void Print(const std::vector<config::Diagnostic>& problems, std::ostream& err) {
  for (const config::Diagnostic& problem : problems) {
    err << config::FormatDiagnostic(problem) << "\n";
  }
}

}  // namespace

int RunRulesCommand(const std::string& config_file, const RulesCommand& command, std::ostream& out,
                    std::ostream& err) {
  const alerting::RuleFileOptions options = OptionsFrom(config_file);
  int exit_code = kExitOk;
  for (const std::string& file : command.files) {
    if (command.action == "check") {
      auto loaded = alerting::LoadRuleFiles({std::filesystem::absolute(file).string()}, options);
      if (!loaded.ok()) {
        Print(loaded.problems, err);
        exit_code = kExitUsage;
        continue;
      }
      out << file << ": " << loaded.config.rules.size() << " alerting rules, "
          << loaded.config.recording.size() << " recording rules\n";
      continue;
    }
    const alerting::RuleTestSummary summary = alerting::RunRuleTests(file, options, out);
    if (!summary.problems.empty()) {
      Print(summary.problems, err);
      exit_code = kExitUsage;
    } else if (summary.failed > 0 && exit_code == kExitOk) {
      exit_code = kExitFailure;
    }
    out << file << ": " << summary.checks - summary.failed << " of " << summary.checks
        << " checks passed\n";
  }
  return exit_code;
}

}  // namespace vigil::collector
