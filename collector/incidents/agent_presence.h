#pragma once
// Whether each agent is heard from: the conditions of the built-in rules AgentDown (no batch or
// heartbeat for `down_after`) and AgentStopped (it said Goodbye and did not come back within the
// same time). Pure bookkeeping on time passed in; not thread-safe.

#include <chrono>
#include <functional>
#include <optional>
#include <queue>
#include <unordered_map>
#include <vector>

#include "alerting/labels.h"
#include "collector/ingest/live_state.h"
#include "common/units.h"

namespace vigil::collector {

class AgentPresence {
 public:
  using TimePoint = std::chrono::system_clock::time_point;
  enum class Absence { kDown, kStopped };
  struct Change {
    AgentKey agent;
    alerting::Labels labels;  // the alert's: agent, customer and the agent's own labels
    Absence absence;
  };

  explicit AgentPresence(Duration down_after) : down_after_(down_after) {}
  void set_down_after(Duration down_after);

  // The agent was heard from (Hello, batch or heartbeat). When it had been reported absent,
  // returns that absence, with the labels it was reported with, so that it can be cleared.
  std::optional<Change> Contact(const AgentKey& agent, const alerting::Labels& labels,
                                TimePoint now);
  // It said Goodbye: if it stays away, it is stopped, not down.
  void Goodbye(const AgentKey& agent, TimePoint now);
  // Its absence was resolved by hand while it is still away: if it stays away another down_after
  // from `now`, it is reported again (as a rule whose condition still holds fires again).
  void Rearm(const AgentKey& agent, TimePoint now);
  // Agents silent for down_after by `now`, each reported once until heard from again.
  std::vector<Change> Advance(TimePoint now);
  std::optional<TimePoint> NextDeadline() const;

 private:
  struct Agent {
    alerting::Labels labels;
    TimePoint last_contact;
    bool said_goodbye = false;
    std::optional<Absence> reported;
    bool scheduled = false;  // has an entry in due_
  };
  // When each agent may fall due, one entry per agent: reaching an entry of an agent heard from
  // since moves it to the agent's new due time, so contact (every batch) costs no heap push.
  using Due = std::pair<TimePoint, AgentKey>;
  Duration down_after_;
  std::unordered_map<AgentKey, Agent, AgentKeyHash> agents_;
  std::priority_queue<Due, std::vector<Due>, std::greater<>> due_;
};

}  // namespace vigil::collector
