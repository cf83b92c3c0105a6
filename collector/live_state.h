#pragma once
// The latest value of every series every agent sent, and what /metrics renders from it.
//
// Each batch carries snapshots, one per source of the agent ("health", "agent", ...). A snapshot
// replaces everything the same source of the same agent sent before, so series that vanish on the
// host (an unmounted filesystem) vanish here too, as they would from a scrape.
//
// Rendered series get the labels `agent`, `customer` and the agent's own labels (from its Hello);
// a series label that collides with one of those is renamed exported_<name>, as Prometheus does
// with honor_labels: false. Thread-safe.

#include <prometheus/client_metric.h>
#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <compare>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/proto/vigil.pb.h"

namespace vigil::collector {

struct AgentKey {
  std::string customer;
  std::string agent_id;
  auto operator<=>(const AgentKey&) const = default;
};

struct AgentKeyHash {
  std::size_t operator()(const AgentKey& key) const {
    return std::hash<std::string>()(key.customer) * 31 + std::hash<std::string>()(key.agent_id);
  }
};

struct AgentIdentity {
  std::string hostname;
  std::string version;
  std::vector<std::pair<std::string, std::string>> labels;  // from Hello, validated
  std::uint64_t batches_applied = 0;                        // from the store
};

struct ApplyReport {
  std::size_t series_applied = 0;
  std::map<std::string, std::size_t> series_rejected;  // by reason
};

struct LiveStateLimits {
  std::size_t max_series_per_agent = 50000;
  std::size_t max_metric_names = 100000;  // distinct family names across all agents
};

// Prefix of the names the collector renders itself; agents may not send them.
inline constexpr std::string_view kReservedPrefix = "vigil_collector_";

// Target labels first, then the series' own, renamed exported_* on collision; sorted by name.
std::vector<prometheus::ClientMetric::Label> MergeLabels(
    const std::vector<std::pair<std::string, std::string>>& target_labels,
    const google::protobuf::RepeatedPtrField<wire::Label>& series_labels);

// What the live state knows of an agent now, for the API.
struct LiveAgent {
  bool connected = false;
  std::size_t series = 0;
  std::int64_t last_batch_ms = 0;  // 0: none since the collector started
};

class LiveState final : public prometheus::Collectable {
 public:
  explicit LiveState(LiveStateLimits limits);

  std::map<AgentKey, LiveAgent> Agents() const;

  // The agent said Hello (again); keeps its series from before.
  void AgentConnected(const AgentKey& key, AgentIdentity identity);
  void AgentDisconnected(const AgentKey& key);

  // Applies a batch the store has just recorded as applied: replaces the snapshots' sources and
  // counts the batch. Invalid families and series are left out and reported by reason
  // ("invalid_name", "reserved_name", "type_conflict", "too_many_metric_names", "invalid_label",
  // "duplicate_series", "series_limit").
  ApplyReport ApplyBatch(const AgentKey& key, const wire::Batch& batch, std::int64_t received_ms);

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  struct StoredFamily {
    std::string name;
    std::vector<prometheus::ClientMetric> metrics;
  };
  struct AgentState {
    AgentIdentity identity;
    std::vector<std::pair<std::string, std::string>> target_labels;
    bool connected = false;
    std::int64_t last_batch_ms = 0;
    std::size_t series = 0;
    std::map<std::string, std::vector<StoredFamily>> sources;
  };
  struct FamilyMeta {
    prometheus::MetricType type;
    std::string help;
  };

  // Returns the reason a family cannot be accepted, or empty. Registers new names.
  std::string CheckFamily(const wire::MetricFamily& family);

  LiveStateLimits limits_;
  mutable std::mutex mutex_;
  std::map<AgentKey, AgentState> agents_;                     // guarded by mutex_
  std::unordered_map<std::string, FamilyMeta> family_meta_;   // guarded by mutex_
};

}  // namespace vigil::collector
