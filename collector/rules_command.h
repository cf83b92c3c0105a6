#pragma once
// `vigil-collector [--config F] rules check FILE...` and `rules test FILE...`: what promtool's
// `check rules` and `test rules` do, with Vigil's reading of the rules (its PromQL, its severity
// words from collector.yaml's rule_severity_labels, its templates). They need no store and no
// certificates: collector.yaml, when it exists, gives only the severity words, external labels
// and external URL. docs/rules.md, "Checking and testing rules".

#include <iosfwd>
#include <string>
#include <vector>

namespace vigil::collector {

struct RulesCommand {
  std::string action;  // check or test
  std::vector<std::string> files;
};

// Returns the process exit code: 0 when every file is valid (check) or every test passes (test),
// 1 when a test fails, 2 when a file cannot be read or holds a mistake, each printed as
// FILE:LINE:COL: key.path: message.
int RunRulesCommand(const std::string& config_file, const RulesCommand& command, std::ostream& out,
                    std::ostream& err);

}  // namespace vigil::collector
