#include "common/identity.h"

#include "common/exposition.h"

namespace vigil {

bool IsSimpleName(const std::string& name, std::size_t max_length) {
  if (name.empty() || name.size() > max_length) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string CheckAgentLabelName(const std::string& name) {
  if (!IsValidLabelName(name) || name.rfind("__", 0) == 0) {
    return "\"" + name + "\" is not a valid Prometheus label name";
  }
  if (name == "agent" || name == "customer") {
    return "\"" + name + "\" is set by the collector and cannot be chosen by the agent";
  }
  return {};
}

}  // namespace vigil
