#pragma once
// Pending and firing rule states, kept so that a restart resumes their timers.

#include <string>
#include <vector>

#include "alerting/rule_engine.h"
#include "common/result.h"

namespace vigil::collector {

class RuleStateStore {
 public:
  virtual ~RuleStateStore() = default;
  virtual Status SaveRuleState(const alerting::SeriesStateRecord& state) = 0;
  virtual Status DeleteRuleState(const std::string& fingerprint) = 0;
  // By rule, then fingerprint.
  virtual Result<std::vector<alerting::SeriesStateRecord>> LoadRuleStates() = 0;
};

}  // namespace vigil::collector
