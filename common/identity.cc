#include "common/identity.h"

#include <set>
#include <string_view>

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

std::string CheckAgentLabels(const std::vector<std::pair<std::string, std::string>>& labels) {
  if (labels.size() > kMaxAgentLabels) {
    return "at most " + std::to_string(kMaxAgentLabels) + " labels are allowed";
  }
  std::set<std::string_view> seen;
  for (const auto& [name, value] : labels) {
    if (std::string problem = CheckAgentLabelName(name); !problem.empty()) return problem;
    if (!seen.insert(name).second) return "label \"" + name + "\" is given more than once";
    if (value.size() > kMaxAgentLabelValueBytes) {
      return "label \"" + name + "\": value longer than " +
             std::to_string(kMaxAgentLabelValueBytes) + " bytes";
    }
  }
  return {};
}

std::vector<std::pair<std::string, std::string>> UsableAgentLabels(
    const std::vector<std::pair<std::string, std::string>>& labels) {
  std::vector<std::pair<std::string, std::string>> out;
  std::set<std::string_view> seen;
  for (const auto& label : labels) {
    if (out.size() == kMaxAgentLabels) break;
    if (!CheckAgentLabelName(label.first).empty()) continue;
    if (label.second.size() > kMaxAgentLabelValueBytes) continue;
    if (!seen.insert(label.first).second) continue;
    out.push_back(label);
  }
  return out;
}

}  // namespace vigil
