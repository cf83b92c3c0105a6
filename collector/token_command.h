#pragma once
// Offline token administration on the collector host:
//   vigil-collector --config F token create --customer NAME   prints the new token alone on stdout
//   vigil-collector --config F token list
//   vigil-collector --config F token revoke ID
// Works on the store directly, so it runs while the collector runs (SQLite WAL) or not.

#include <iosfwd>
#include <string>
#include <vector>

#include "common/clock.h"
#include "config/collector_config.h"

namespace vigil::collector {

// `words` are the positional words after "token". Returns the process exit code; the token and
// tables go to `out`, messages to `err`.
int RunTokenCommand(const config::CollectorConfig& config, const std::vector<std::string>& words,
                    const std::string& customer, const Clock& clock, std::ostream& out,
                    std::ostream& err);

// 1 to 64 characters of letters, digits, '.', '_' or '-'.
bool IsValidCustomerName(const std::string& name);

}  // namespace vigil::collector
