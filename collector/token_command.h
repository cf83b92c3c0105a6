#pragma once
// Offline token administration on the collector host:
//   vigil-collector --config F token create --customer NAME          an enrollment token
//   vigil-collector --config F token create --role ROLE --name NAME  an API token
//   vigil-collector --config F token list
//   vigil-collector --config F token revoke ID
// The new token is printed alone on stdout. Works on the store directly, so it runs while the
// collector runs (SQLite WAL) or not.

#include <iosfwd>
#include <string>

#include "common/clock.h"
#include "config/collector_config.h"

namespace vigil::collector {

struct TokenCommand {
  std::string action;  // create, list or revoke
  std::string customer;
  std::string role;
  std::string name;
  std::string id;  // revoke
};

// Returns the process exit code; the token and tables go to `out`, messages to `err`.
int RunTokenCommand(const config::CollectorConfig& config, const TokenCommand& command,
                    const Clock& clock, std::ostream& out, std::ostream& err);

}  // namespace vigil::collector
