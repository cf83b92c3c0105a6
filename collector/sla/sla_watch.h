#pragma once
// Watches the SLA clocks of open incidents and fault reports (docs/sla.md). An item whose
// response or resolution clock passes its policy's at_risk share of the target, or breaches it,
// gets a note on its timeline (or history) and is escalated through the notifier — once: the
// store's mark, written in the same transaction as the note and the notifications, makes "once"
// hold across restarts. A clock that breaches before it was seen at risk escalates only the
// breach.
//
// Not thread-safe: one caller (the collector's alerting timer) drives it.

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <tuple>

#include "collector/sla/sla_engine.h"
#include "collector/store/store.h"
#include "common/units.h"

namespace vigil::collector {

class Notifier;

// Open items whose clock has used its policy's at_risk share and not breached, as of the last
// Check, by customer, kind, severity and target ("response", "resolution").
struct SlaAtRisk {
  std::string customer;
  std::string kind;
  std::string severity;
  std::string target;
  int items = 0;
};

class SlaWatch {
 public:
  // `notifier` may be null: events are then marked and noted only.
  SlaWatch(Store& store, const SlaEngine& engine, Notifier* notifier);

  // Checks every open item as of `now`; the number of events newly marked.
  Result<int> Check(TimePoint now);
  // Check(), when `interval` has passed since the last one (errors are logged).
  void CheckEvery(TimePoint now, Duration interval);
  // What the last Check found at risk. Thread-safe: metrics read it at scrape time.
  std::vector<SlaAtRisk> AtRisk() const;

 private:
  struct Clock {
    const char* target;  // "response" or "resolution"
    bool done;
    std::optional<bool> met;
    double used;
    Duration amount;
    std::optional<TimePoint> due;
  };
  struct Item {
    SlaItemRef ref;
    std::string kind;
    std::string severity;
    std::string customer;
    std::string agent;
    std::string title;
  };

  using AtRiskKey = std::tuple<std::string, std::string, std::string, std::string>;
  Result<int> CheckItem(const Item& item, const ItemSla& sla, TimePoint now,
                        std::map<AtRiskKey, int>& at_risk);
  // Marks `event`; with `escalate`, notes it and queues its notifications. Whether it was new.
  Result<bool> Raise(const Item& item, const Clock& clock, const std::string& event, bool escalate,
                     TimePoint now);

  Store& store_;
  const SlaEngine& engine_;
  Notifier* notifier_;
  std::set<std::string> marked_;  // "item/event" known to be marked, to skip the store
  std::optional<TimePoint> last_check_;
  mutable std::mutex at_risk_mutex_;
  std::map<AtRiskKey, int> at_risk_;  // guarded by at_risk_mutex_
};

}  // namespace vigil::collector
