#pragma once
// `vigil-collector --config F store backup PATH | restore PATH | check`: the SQLite store's
// consistent online backup, its restore (refused while a collector runs on the store), and its
// integrity check. docs/operations.md, "Back up and restore".

#include <iosfwd>
#include <string>

#include "config/collector_config.h"

namespace vigil::collector {

struct StoreCommand {
  std::string action;  // backup, restore or check
  std::string path;    // backup's destination, restore's source
};

// Returns the process exit code; what was done goes to `out`, problems to `err`.
int RunStoreCommand(const config::CollectorConfig& config, const StoreCommand& command,
                    std::ostream& out, std::ostream& err);

}  // namespace vigil::collector
