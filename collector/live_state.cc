#include "collector/live_state.h"

#include <algorithm>
#include <set>

#include "common/exposition.h"

namespace vigil::collector {
namespace {

prometheus::MetricType ToPrometheusType(wire::MetricType type) {
  switch (type) {
    case wire::METRIC_TYPE_COUNTER:
      return prometheus::MetricType::Counter;
    case wire::METRIC_TYPE_GAUGE:
      return prometheus::MetricType::Gauge;
    default:
      return prometheus::MetricType::Untyped;
  }
}

bool ValidSeriesLabels(const wire::Series& series) {
  std::set<std::string_view> seen;
  for (const wire::Label& label : series.labels()) {
    if (!IsValidLabelName(label.name()) || label.name().rfind("__", 0) == 0) return false;
    if (!seen.insert(label.name()).second) return false;
  }
  return true;
}

prometheus::ClientMetric MakeMetric(std::vector<prometheus::ClientMetric::Label> labels,
                                    double value) {
  prometheus::ClientMetric metric;
  metric.label = std::move(labels);
  metric.counter.value = value;
  metric.gauge.value = value;
  metric.untyped.value = value;
  return metric;
}

}  // namespace

std::vector<prometheus::ClientMetric::Label> MergeLabels(
    const std::vector<std::pair<std::string, std::string>>& target_labels,
    const google::protobuf::RepeatedPtrField<wire::Label>& series_labels) {
  std::vector<prometheus::ClientMetric::Label> out;
  out.reserve(target_labels.size() + static_cast<std::size_t>(series_labels.size()));
  for (const auto& [name, value] : target_labels) out.push_back({name, value});
  const auto taken = [&out](const std::string& name) {
    return std::any_of(out.begin(), out.end(), [&](const auto& l) { return l.name == name; });
  };
  for (const wire::Label& label : series_labels) {
    std::string name = label.name();
    while (taken(name)) name = "exported_" + name;
    out.push_back({std::move(name), label.value()});
  }
  std::sort(out.begin(), out.end());
  return out;
}

LiveState::LiveState(LiveStateLimits limits) : limits_(limits) {}

std::map<AgentKey, LiveAgent> LiveState::Agents() const {
  std::lock_guard lock(mutex_);
  std::map<AgentKey, LiveAgent> out;
  for (const auto& [key, agent] : agents_) {
    out.emplace(key, LiveAgent{agent.connected, agent.series, agent.last_batch_ms});
  }
  return out;
}

void LiveState::AgentConnected(const AgentKey& key, AgentIdentity identity) {
  std::lock_guard lock(mutex_);
  AgentState& agent = agents_[key];
  agent.target_labels = {{"agent", key.agent_id}, {"customer", key.customer}};
  for (const auto& label : identity.labels) agent.target_labels.push_back(label);
  agent.identity = std::move(identity);
  agent.connected = true;
}

void LiveState::AgentDisconnected(const AgentKey& key) {
  std::lock_guard lock(mutex_);
  if (auto it = agents_.find(key); it != agents_.end()) it->second.connected = false;
}

std::string LiveState::CheckFamily(const wire::MetricFamily& family) {
  if (!IsValidMetricName(family.name())) return "invalid_name";
  if (family.name().rfind(kReservedPrefix, 0) == 0) return "reserved_name";
  const prometheus::MetricType type = ToPrometheusType(family.type());
  auto it = family_meta_.find(family.name());
  if (it == family_meta_.end()) {
    if (family_meta_.size() >= limits_.max_metric_names) return "too_many_metric_names";
    family_meta_.emplace(family.name(), FamilyMeta{type, family.help()});
    return {};
  }
  return it->second.type == type ? std::string() : "type_conflict";
}

ApplyReport LiveState::ApplyBatch(const AgentKey& key, const wire::Batch& batch,
                                  std::int64_t received_ms) {
  ApplyReport report;
  std::lock_guard lock(mutex_);
  AgentState& agent = agents_[key];
  ++agent.identity.batches_applied;
  agent.last_batch_ms = received_ms;
  for (const wire::Snapshot& snapshot : batch.snapshots()) {
    std::vector<StoredFamily>& current = agent.sources[snapshot.source()];
    std::size_t current_series = 0;
    for (const StoredFamily& family : current) current_series += family.metrics.size();
    std::size_t budget = limits_.max_series_per_agent - std::min(limits_.max_series_per_agent,
                                                                 agent.series - current_series);
    std::vector<StoredFamily> replacement;
    std::size_t accepted = 0;
    for (const wire::MetricFamily& family : snapshot.families()) {
      const auto series_count = static_cast<std::size_t>(family.series_size());
      if (std::string reason = CheckFamily(family); !reason.empty()) {
        report.series_rejected[reason] += series_count;
        continue;
      }
      StoredFamily stored{family.name(), {}};
      std::set<std::vector<prometheus::ClientMetric::Label>> seen;
      for (const wire::Series& series : family.series()) {
        if (!ValidSeriesLabels(series)) {
          ++report.series_rejected["invalid_label"];
          continue;
        }
        auto labels = MergeLabels(agent.target_labels, series.labels());
        if (!seen.insert(labels).second) {
          ++report.series_rejected["duplicate_series"];
          continue;
        }
        if (accepted == budget) {
          ++report.series_rejected["series_limit"];
          continue;
        }
        stored.metrics.push_back(MakeMetric(std::move(labels), series.value()));
        ++accepted;
      }
      if (!stored.metrics.empty()) replacement.push_back(std::move(stored));
    }
    agent.series = agent.series - current_series + accepted;
    current = std::move(replacement);
    report.series_applied += accepted;
  }
  return report;
}

std::vector<prometheus::MetricFamily> LiveState::Collect() const {
  using prometheus::MetricFamily;
  MetricFamily applied{"vigil_collector_batches_applied_total",
                       "Batches applied from each agent, ever (persisted across restarts).",
                       prometheus::MetricType::Counter,
                       {}};
  MetricFamily connected{"vigil_collector_agent_connected",
                         "Whether the agent has a live stream to this collector.",
                         prometheus::MetricType::Gauge,
                         {}};
  MetricFamily last_batch{"vigil_collector_agent_last_batch_timestamp_seconds",
                          "When this collector last applied a batch from the agent, in unixtime.",
                          prometheus::MetricType::Gauge,
                          {}};
  MetricFamily series{"vigil_collector_agent_series", "Series the collector holds for the agent.",
                      prometheus::MetricType::Gauge,
                      {}};
  MetricFamily info{"vigil_collector_agent_info",
                    "Always 1; the agent's hostname and version, from its last Hello, are labels.",
                    prometheus::MetricType::Gauge,
                    {}};
  std::map<std::string, MetricFamily> by_name;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [key, agent] : agents_) {
      std::vector<prometheus::ClientMetric::Label> labels = {{"agent", key.agent_id},
                                                             {"customer", key.customer}};
      applied.metric.push_back(
          MakeMetric(labels, static_cast<double>(agent.identity.batches_applied)));
      connected.metric.push_back(MakeMetric(labels, agent.connected ? 1 : 0));
      if (agent.last_batch_ms > 0) {
        last_batch.metric.push_back(
            MakeMetric(labels, static_cast<double>(agent.last_batch_ms) / 1000.0));
      }
      series.metric.push_back(MakeMetric(labels, static_cast<double>(agent.series)));
      if (!agent.identity.version.empty() || !agent.identity.hostname.empty()) {
        info.metric.push_back(MakeMetric({{"agent", key.agent_id},
                                          {"customer", key.customer},
                                          {"hostname", agent.identity.hostname},
                                          {"version", agent.identity.version}},
                                         1));
      }
      for (const auto& [source, families] : agent.sources) {
        for (const StoredFamily& family : families) {
          auto [it, inserted] = by_name.try_emplace(family.name);
          if (inserted) {
            const FamilyMeta& meta = family_meta_.at(family.name);
            it->second.name = family.name;
            it->second.help = meta.help;
            it->second.type = meta.type;
          }
          it->second.metric.insert(it->second.metric.end(), family.metrics.begin(),
                                   family.metrics.end());
        }
      }
    }
  }
  std::vector<MetricFamily> out;
  out.reserve(by_name.size() + 5);
  for (auto& [name, family] : by_name) out.push_back(std::move(family));
  for (MetricFamily* own : {&applied, &connected, &last_batch, &series, &info}) {
    if (!own->metric.empty()) out.push_back(std::move(*own));
  }
  return out;
}

}  // namespace vigil::collector
