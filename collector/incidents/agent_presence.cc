#include "collector/incidents/agent_presence.h"

namespace vigil::collector {

void AgentPresence::set_down_after(Duration down_after) {
  down_after_ = down_after;
  due_ = {};
  for (const auto& [key, agent] : agents_) {
    if (!agent.reported) due_.push({agent.last_contact + down_after_, key});
  }
}

std::optional<AgentPresence::Change> AgentPresence::Contact(const AgentKey& agent,
                                                            const alerting::Labels& labels,
                                                            TimePoint now) {
  Agent& state = agents_[agent];
  std::optional<Change> cleared;
  if (state.reported) cleared = Change{agent, state.labels, *state.reported};
  state.labels = labels;
  if (now > state.last_contact) {
    state.last_contact = now;
    due_.push({now + down_after_, agent});
  }
  state.said_goodbye = false;
  state.reported.reset();
  return cleared;
}

void AgentPresence::Goodbye(const AgentKey& agent, TimePoint now) {
  auto it = agents_.find(agent);
  if (it == agents_.end()) return;
  it->second.said_goodbye = true;
  if (now > it->second.last_contact) {
    it->second.last_contact = now;
    due_.push({now + down_after_, agent});
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
    if (agent.reported || now < agent.last_contact + down_after_) continue;  // heard since
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
