// libFuzzer target: any configuration or rule file text gives a config or located problems, never a
// crash (yaml-cpp exceptions, deep nesting and odd scalars included).

#include <cstddef>
#include <cstdint>
#include <string>

#include "alerting/rule_file.h"
#include "config/agent_config.h"
#include "config/collector_config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  (void)vigil::config::ParseAgentConfig(text, "/fuzz/agent.yaml");
  (void)vigil::config::ParseCollectorConfig(text, "/fuzz/collector.yaml");
  (void)vigil::alerting::ParseRuleFile(text, "/fuzz/rules.yaml");
  return 0;
}
