#include "agent/security/finding.h"

#include <map>

namespace vigil::agent {

FindingChanges CompareFindings(const std::vector<Finding>& before,
                               const std::vector<Finding>& now) {
  using Key = std::pair<std::string, std::string>;
  std::map<Key, const Finding*> old;
  for (const Finding& finding : before) old[{finding.check, finding.key}] = &finding;
  FindingChanges changes;
  std::map<Key, bool> current;
  for (const Finding& finding : now) {
    const Key key{finding.check, finding.key};
    current[key] = true;
    auto it = old.find(key);
    // A changed severity or evidence is news too: the collector's copy is replaced.
    if (it == old.end() || !(*it->second == finding)) changes.appeared.push_back(finding);
  }
  for (const Finding& finding : before) {
    if (current.count({finding.check, finding.key}) == 0) changes.cleared.push_back(finding);
  }
  return changes;
}

}  // namespace vigil::agent
