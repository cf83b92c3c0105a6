#include "collector/incidents/agent_presence.h"

namespace vigil::collector {

void AgentPresence::set_down_after(Duration down_after) {
  down_after_ = down_after;
  due_ = {};
  for (auto& [key, agent] : agents_) {
    agent.scheduled = !agent.reported;
    if (agent.scheduled) due_.push({agent.last_contact + down_after_, key});
  }
}

std::optional<AgentPresence::Change> AgentPresence::Contact(const AgentKey& agent,
                                                            const alerting::Labels& labels,
                                                            TimePoint now) {
  Agent& state = agents_[agent];
  std::optional<Change> cleared;
  if (state.reported) cleared = Change{agent, state.labels, *state.reported};
  if (state.labels != labels) state.labels = labels;
  state.last_contact = std::max(state.last_contact, now);
  state.said_goodbye = false;
  state.reported.reset();
  if (!state.scheduled) {
    state.scheduled = true;
    due_.push({state.last_contact + down_after_, agent});
  }
  return cleared;
}

void AgentPresence::Goodbye(const AgentKey& agent, TimePoint now) {
  auto it = agents_.find(agent);
  if (it == agents_.end()) return;
  it->second.said_goodbye = true;
  it->second.last_contact = std::max(it->second.last_contact, now);
}

void AgentPresence::Rearm(const AgentKey& agent, TimePoint now) {
  auto it = agents_.find(agent);
  if (it == agents_.end() || !it->second.reported) return;
  Agent& state = it->second;
  state.reported.reset();
  state.last_contact =
      std::max(state.last_contact, now);  // counted from the resolve, not heard from
  if (!state.scheduled) {
    state.scheduled = true;
    due_.push({state.last_contact + down_after_, agent});
  }
}

std::vector<AgentPresence::Change> AgentPresence::Advance(TimePoint now) {
  std::vector<Change> out;
  while (!due_.empty() && due_.top().first <= now) {
    const AgentKey key = due_.top().second;
    due_.pop();
    auto it = agents_.find(key);
    if (it == agents_.end()) continue;
    Agent& agent = it->second;
    if (agent.reported) {
      agent.scheduled = false;
      continue;
    }
    if (now < agent.last_contact + down_after_) {  // heard from since: due later
      due_.push({agent.last_contact + down_after_, key});
      continue;
    }
    agent.scheduled = false;
    agent.reported = agent.said_goodbye ? Absence::kStopped : Absence::kDown;
    out.push_back({key, agent.labels, *agent.reported});
  }
  return out;
}

std::optional<AgentPresence::TimePoint> AgentPresence::NextDeadline() const {
  if (due_.empty()) return std::nullopt;
  return due_.top().first;
}

}  // namespace vigil::collector
