#include "collector/ingest/live_state.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <set>

#include "collector/ingest/metrics_text.h"
#include "common/exposition.h"
#include "common/identity.h"

namespace vigil::collector {
namespace {

prometheus::MetricType ToPrometheusType(wire::MetricType type) {
  switch (type) {
    case wire::METRIC_TYPE_COUNTER: return prometheus::MetricType::Counter;
    case wire::METRIC_TYPE_GAUGE: return prometheus::MetricType::Gauge;
    default: return prometheus::MetricType::Untyped;
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

// name{labels} value\n
void AppendSeries(std::string& out, const std::string& name, const LabelList& labels,
                  double value) {
  out += name;
  if (!labels.empty()) {
    out += '{';
    for (std::size_t i = 0; i < labels.size(); ++i) {
      if (i > 0) out += ',';
      out += labels[i].first;
      out += "=\"";
      AppendLabelValue(out, labels[i].second);
      out += '"';
    }
    out += '}';
  }
  out += ' ';
  AppendSampleValue(out, value);
  out += '\n';
}

}  // namespace

bool IsCollectorMetricName(std::string_view name) {
  if (name.substr(0, 6) != "vigil_") return false;
  for (std::string_view agents :
       {"vigil_agent_", "vigil_probe_", "vigil_security_", "vigil_tls_", "vigil_listening_"}) {
    if (name.substr(0, agents.size()) == agents) return false;
  }
  return true;
}

wire::Batch WithoutSources(const wire::Batch& batch, const std::vector<std::string>& sources) {
  wire::Batch kept = batch;
  auto* snapshots = kept.mutable_snapshots();
  for (int i = snapshots->size() - 1; i >= 0; --i) {
    if (std::find(sources.begin(), sources.end(), snapshots->Get(i).source()) != sources.end()) {
      snapshots->DeleteSubrange(i, 1);
    }
  }
  return kept;
}

LabelList MergeLabels(const LabelList& target_labels, const LabelList& series_labels) {
  LabelList out;
  out.reserve(target_labels.size() + series_labels.size());
  out.insert(out.end(), target_labels.begin(), target_labels.end());
  const auto taken = [&out](const std::string& name) {
    return std::any_of(out.begin(), out.end(), [&](const auto& l) { return l.first == name; });
  };
  for (const auto& [label, value] : series_labels) {
    std::string name = label;
    while (taken(name)) name = "exported_" + name;
    out.emplace_back(std::move(name), value);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Renders the fleet family by family; between pieces it remembers the family and the next agent.
class LiveState::FleetRenderer {
 public:
  FleetRenderer(const LiveState& live, FleetQuery query, std::size_t piece_bytes)
      : live_(live), query_(std::move(query)), piece_bytes_(piece_bytes) {
    std::lock_guard lock(live_.mutex_);
    names_.reserve(live_.family_meta_.size());
    for (const auto& [name, meta] : live_.family_meta_) names_.push_back(name);
    std::sort(names_.begin(), names_.end());
  }

  bool Next(std::string& out) {
    const std::size_t limit = out.size() + piece_bytes_;
    std::lock_guard lock(live_.mutex_);
    while (family_ < names_.size()) {
      const std::string& name = names_[family_];
      auto agent = resume_ ? live_.agents_.lower_bound(*resume_) : live_.agents_.begin();
      for (; agent != live_.agents_.end(); ++agent) {
        if (out.size() >= limit) {
          resume_ = agent->first;
          return true;
        }
        if (!Included(agent->first, agent->second)) continue;
        auto families = agent->second.by_name.find(name);
        if (families == agent->second.by_name.end()) continue;
        if (!header_written_) {
          auto meta = live_.family_meta_.find(name);
          if (meta == live_.family_meta_.end()) break;
          AppendHelpAndType(out, name, meta->second.help, ExpositionTypeName(meta->second.type));
          header_written_ = true;
        }
        // A series that would repeat another's labels is left out: one bad agent must not
        // make the fleet's scrape unreadable.
        const bool check = MayRepeatSeries(agent->second.target_labels, families->second);
        std::set<LabelList> rendered;
        for (const StoredFamily* family : families->second) {
          for (const StoredSeries& series : family->series) {
            LabelList labels = MergeLabels(agent->second.target_labels, series.labels);
            if (check && !rendered.insert(labels).second) continue;
            AppendSeries(out, name, labels, series.value);
          }
        }
      }
      ++family_;
      resume_.reset();
      header_written_ = false;
      if (out.size() >= limit) return family_ < names_.size();
    }
    return false;
  }

 private:
  // Whether two series of `families` can render with the same labels: the name came in more than
  // one family (two snapshots, or twice in one), or a label's renaming to exported_NAME can meet
  // another series' label of that name.
  static bool MayRepeatSeries(const LabelList& target_labels,
                              const std::vector<const StoredFamily*>& families) {
    if (families.size() > 1) return true;
    const auto renamed = [&](const std::string& name) {
      return name.rfind("exported_", 0) == 0 ||
             std::any_of(target_labels.begin(), target_labels.end(),
                         [&](const auto& label) { return label.first == name; });
    };
    for (const StoredFamily* family : families) {
      for (const StoredSeries& series : family->series) {
        for (const auto& label : series.labels) {
          if (renamed(label.first)) return true;
        }
      }
    }
    return false;
  }

  bool Included(const AgentKey& key, const AgentState& agent) const {
    if (!query_.customer.empty() && key.customer != query_.customer) return false;
    if (agent.connected || query_.stale_after_ms < 0) return true;
    return query_.now_ms - agent.disconnected_ms <= query_.stale_after_ms;
  }

  const LiveState& live_;
  const FleetQuery query_;
  const std::size_t piece_bytes_;
  std::vector<std::string> names_;  // every family name known when the rendering began, sorted
  std::size_t family_ = 0;
  std::optional<AgentKey> resume_;  // within names_[family_], the next agent to render
  bool header_written_ = false;
};

LiveState::LiveState(LiveStateLimits limits) : limits_(limits) {}

std::map<AgentKey, LiveAgent> LiveState::Agents() const {
  std::lock_guard lock(mutex_);
  std::map<AgentKey, LiveAgent> out;
  for (const auto& [key, agent] : agents_) {
    out.emplace(key, LiveAgent{agent.connected, agent.series, agent.last_batch_ms});
  }
  return out;
}

void LiveState::SetTargetLabels(const AgentKey& key, AgentState& agent) {
  // The ingest refuses a Hello whose labels are not usable, but the store may hold labels saved
  // before it did: whatever came, no label is rendered twice or under a reserved name.
  agent.identity.labels = UsableAgentLabels(agent.identity.labels);
  agent.target_labels = {{"agent", key.agent_id}, {"customer", key.customer}};
  for (const auto& label : agent.identity.labels) agent.target_labels.push_back(label);
}

void LiveState::AgentKnown(const AgentKey& key, AgentIdentity identity) {
  std::lock_guard lock(mutex_);
  auto [it, inserted] = agents_.try_emplace(key);
  if (!inserted) return;  // it connected meanwhile: what it said wins
  it->second.identity = std::move(identity);
  SetTargetLabels(key, it->second);
}

void LiveState::AgentConnected(const AgentKey& key, AgentIdentity identity, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  AgentState& agent = agents_[key];
  agent.identity = std::move(identity);
  SetTargetLabels(key, agent);
  agent.connected = true;
  agent.last_seen_ms = now_ms;
}

void LiveState::AgentDisconnected(const AgentKey& key, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  if (auto it = agents_.find(key); it != agents_.end()) {
    it->second.connected = false;
    it->second.disconnected_ms = now_ms;
  }
}

void LiveState::AgentSeen(const AgentKey& key, std::int64_t now_ms) {
  std::lock_guard lock(mutex_);
  if (auto it = agents_.find(key); it != agents_.end()) {
    it->second.last_seen_ms = std::max(it->second.last_seen_ms, now_ms);
  }
}

std::string LiveState::CheckFamily(const wire::MetricFamily& family) {
  if (!IsValidMetricName(family.name())) return "invalid_name";
  if (IsCollectorMetricName(family.name())) return "reserved_name";
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
  agent.last_seen_ms = std::max(agent.last_seen_ms, received_ms);
  for (const wire::Snapshot& snapshot : batch.snapshots()) ReplaceSource(agent, snapshot, report);
  IndexByName(agent);
  return report;
}

ApplyReport LiveState::ApplyRecorded(const AgentKey& key, const wire::Snapshot& snapshot) {
  ApplyReport report;
  std::lock_guard lock(mutex_);
  auto found = agents_.find(key);
  if (found == agents_.end()) return report;
  ReplaceSource(found->second, snapshot, report);
  IndexByName(found->second);
  return report;
}

void LiveState::ReplaceSource(AgentState& agent, const wire::Snapshot& snapshot,
                              ApplyReport& report) {
  if (agent.sources.count(snapshot.source()) == 0 &&
      agent.sources.size() >= limits_.max_sources_per_agent) {
    for (const wire::MetricFamily& family : snapshot.families()) {
      report.series_rejected["too_many_sources"] += static_cast<std::size_t>(family.series_size());
    }
    report.sources_refused.push_back(snapshot.source());
    return;
  }
  std::vector<StoredFamily>& current = agent.sources[snapshot.source()];
  std::size_t current_series = 0;
  for (const StoredFamily& family : current) current_series += family.series.size();
  std::size_t budget = limits_.max_series_per_agent -
                       std::min(limits_.max_series_per_agent, agent.series - current_series);
  std::vector<StoredFamily> replacement;
  std::size_t accepted = 0;
  for (const wire::MetricFamily& family : snapshot.families()) {
    const auto series_count = static_cast<std::size_t>(family.series_size());
    if (std::string reason = CheckFamily(family); !reason.empty()) {
      report.series_rejected[reason] += series_count;
      continue;
    }
    StoredFamily stored{family.name(), {}};
    std::set<LabelList> seen;
    for (const wire::Series& series : family.series()) {
      if (!ValidSeriesLabels(series)) {
        ++report.series_rejected["invalid_label"];
        continue;
      }
      LabelList labels;
      labels.reserve(static_cast<std::size_t>(series.labels_size()));
      for (const wire::Label& label : series.labels())
        labels.emplace_back(label.name(), label.value());
      std::sort(labels.begin(), labels.end());
      if (!seen.insert(labels).second) {
        ++report.series_rejected["duplicate_series"];
        continue;
      }
      if (accepted == budget) {
        ++report.series_rejected["series_limit"];
        continue;
      }
      stored.series.push_back({std::move(labels), series.value()});
      ++accepted;
    }
    if (!stored.series.empty()) replacement.push_back(std::move(stored));
  }
  agent.series = agent.series - current_series + accepted;
  current = std::move(replacement);
  report.series_applied += accepted;
}

void LiveState::IndexByName(AgentState& agent) {
  agent.by_name.clear();
  for (const auto& [source, families] : agent.sources) {
    for (const StoredFamily& family : families) agent.by_name[family.name].push_back(&family);
  }
}

AgentExposition LiveState::RenderAgent(const AgentKey& key, std::int64_t now_ms,
                                       std::int64_t down_after_ms) const {
  AgentExposition out;
  std::lock_guard lock(mutex_);
  auto it = agents_.find(key);
  if (it == agents_.end()) return out;
  const AgentState& agent = it->second;
  if (!agent.connected || now_ms - agent.last_seen_ms > down_after_ms) {
    out.state = AgentExposition::State::kDown;
    return out;
  }
  out.state = AgentExposition::State::kUp;
  for (const auto& [name, families] : agent.by_name) {
    const FamilyMeta& meta = family_meta_.at(name);
    AppendHelpAndType(out.text, name, meta.help, ExpositionTypeName(meta.type));
    std::set<LabelList> rendered;
    for (const StoredFamily* family : families) {
      for (const StoredSeries& series : family->series) {
        if (families.size() > 1 && !rendered.insert(series.labels).second) continue;
        AppendSeries(out.text, name, series.labels, series.value);
      }
    }
  }
  return out;
}

PieceWriter LiveState::FleetPieces(FleetQuery query, std::size_t piece_bytes) const {
  auto renderer = std::make_shared<FleetRenderer>(*this, std::move(query), piece_bytes);
  return [renderer](std::string& out) { return renderer->Next(out); };
}

std::vector<AgentTarget> LiveState::Targets() const {
  std::lock_guard lock(mutex_);
  std::vector<AgentTarget> out;
  out.reserve(agents_.size());
  for (const auto& [key, agent] : agents_) out.push_back({key, agent.identity.labels});
  return out;
}

std::vector<prometheus::MetricFamily> LiveState::Collect() const {
  return CollectIf([](const AgentKey&) { return true; });
}

std::vector<prometheus::MetricFamily> LiveState::CollectFor(const std::string& customer) const {
  return CollectIf([&customer](const AgentKey& key) { return key.customer == customer; });
}

std::vector<prometheus::MetricFamily> LiveState::CollectIf(
    const std::function<bool(const AgentKey&)>& include) const {
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
  MetricFamily series{"vigil_collector_agent_series",
                      "Series the collector holds for the agent.",
                      prometheus::MetricType::Gauge,
                      {}};
  MetricFamily info{"vigil_collector_agent_info",
                    "Always 1; the agent's hostname and version, from its last Hello, are labels.",
                    prometheus::MetricType::Gauge,
                    {}};
  {
    std::lock_guard lock(mutex_);
    for (const auto& [key, agent] : agents_) {
      if (!include(key)) continue;
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
    }
  }
  std::vector<MetricFamily> out;
  for (MetricFamily* own : {&applied, &connected, &last_batch, &series, &info}) {
    if (!own->metric.empty()) out.push_back(std::move(*own));
  }
  return out;
}

}  // namespace vigil::collector
