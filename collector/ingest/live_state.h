#pragma once
// The latest value of every series every agent sent, and what /metrics renders from it.
//
// Each batch carries snapshots, one per source of the agent ("health", "agent", ...). A snapshot
// replaces everything the same source of the same agent sent before, so series that vanish on the
// host (an unmounted filesystem) vanish here too, as they would from a scrape.
//
// On the aggregate /metrics, series get the labels `agent`, `customer` and the agent's own labels
// (from its Hello); a series label that collides with one of those is renamed exported_<name>, as
// Prometheus does with honor_labels: false. On an agent's own target they come as the agent sent
// them: Prometheus adds the target labels. Thread-safe.

#include <prometheus/client_metric.h>
#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <compare>
#include <cstdint>
#include <functional>
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
  std::vector<std::string> sources_refused;            // snapshots left out whole: too many sources
};

struct LiveStateLimits {
  std::size_t max_series_per_agent = 50000;
  std::size_t max_metric_names = 100000;  // distinct family names across all agents
  // Snapshot sources ("health", "probes", ...) an agent may have. Their names are the agent's to
  // choose, and everything kept per source (here and in the rule engine) lives as long as the
  // agent: without a bound, a stream of new names would grow the collector without end.
  std::size_t max_sources_per_agent = 16;
};

// Whether `name` is the collector's to export: every vigil_ name but the agent's own families
// (vigil_agent_*, vigil_probe_*, vigil_security_*, vigil_tls_*, vigil_listening_*). An agent (or a
// textfile on its host) may not send one, so no host can write into the fleet's incident, outbox
// or SLA figures, nor make /metrics hold a family twice.
bool IsCollectorMetricName(std::string_view name);

using LabelList = std::vector<std::pair<std::string, std::string>>;

// The batch less the snapshots of `sources` (an ApplyReport's sources_refused): what the live
// state accepted is all the rules may see.
wire::Batch WithoutSources(const wire::Batch& batch, const std::vector<std::string>& sources);

// Target labels first, then the series' own, renamed exported_* on collision; sorted by name.
LabelList MergeLabels(const LabelList& target_labels, const LabelList& series_labels);

// What the live state knows of an agent now, for the API.
struct LiveAgent {
  bool connected = false;
  std::size_t series = 0;
  std::int64_t last_batch_ms = 0;  // 0: none since the collector started
};

// Which agents a rendering of the whole fleet includes.
struct FleetQuery {
  std::string customer;  // empty: every customer
  std::int64_t now_ms = 0;
  // An agent disconnected for longer than this is left out (its series would be stale values);
  // negative: never left out.
  std::int64_t stale_after_ms = -1;
};

// One agent's own scrape target (/metrics/agents/{customer}/{agent}).
struct AgentExposition {
  enum class State { kUnknown, kDown, kUp };
  State state = State::kUnknown;
  std::string text;  // kUp: the agent's series as it sent them, without target labels
};

// One agent as a Prometheus target (HTTP service discovery).
struct AgentTarget {
  AgentKey key;
  LabelList labels;  // the agent's own, from its Hello
};

// Appends the next piece of a rendering to `out`; false once nothing more follows.
using PieceWriter = std::function<bool(std::string& out)>;

class LiveState final : public prometheus::Collectable {
 public:
  explicit LiveState(LiveStateLimits limits);

  std::map<AgentKey, LiveAgent> Agents() const;

  // An agent the store knows but that has not connected since the collector started: a target
  // that is down, with no series.
  void AgentKnown(const AgentKey& key, AgentIdentity identity);
  // The agent said Hello (again); keeps its series from before.
  void AgentConnected(const AgentKey& key, AgentIdentity identity, std::int64_t now_ms);
  void AgentDisconnected(const AgentKey& key, std::int64_t now_ms);
  // A heartbeat: the agent is alive though it sent no batch.
  void AgentSeen(const AgentKey& key, std::int64_t now_ms);

  // Applies a batch the store has just recorded as applied: replaces the snapshots' sources and
  // counts the batch. Invalid families and series are left out and reported by reason
  // ("invalid_name", "reserved_name", "type_conflict", "too_many_metric_names", "invalid_label",
  // "duplicate_series", "series_limit"; a snapshot of a new source beyond
  // max_sources_per_agent is left out whole as "too_many_sources" and named in the report).
  ApplyReport ApplyBatch(const AgentKey& key, const wire::Batch& batch, std::int64_t received_ms);
  // Replaces the source of series that the recording rules wrote from a known agent's series
  // (not a batch: the agent's counts and times stay as they are).
  ApplyReport ApplyRecorded(const AgentKey& key, const wire::Snapshot& snapshot);

  // The agent's target: unknown; down while it is disconnected or has been silent (no batch, no
  // heartbeat) for longer than `down_after_ms`; else up, with its series.
  AgentExposition RenderAgent(const AgentKey& key, std::int64_t now_ms,
                              std::int64_t down_after_ms) const;

  // Every included agent's series with the target labels added, family by family (one HELP and
  // TYPE per family, whatever the number of agents), in pieces of about `piece_bytes`, so that
  // neither this state's lock nor the answer's memory grows with the fleet. Each piece is
  // rendered under the lock; the state may change between pieces, as between scrapes.
  PieceWriter FleetPieces(FleetQuery query, std::size_t piece_bytes = 64 << 10) const;

  std::vector<AgentTarget> Targets() const;

  // The collector's own per-agent families (vigil_collector_agent_*, batches applied), of every
  // agent (Collect) or of one customer's.
  std::vector<prometheus::MetricFamily> Collect() const override;
  std::vector<prometheus::MetricFamily> CollectFor(const std::string& customer) const;

 private:
  struct StoredSeries {
    LabelList labels;  // the series' own, sorted by name
    double value = 0;
  };
  struct StoredFamily {
    std::string name;
    std::vector<StoredSeries> series;
  };
  struct AgentState {
    AgentIdentity identity;
    LabelList target_labels;  // agent, customer and the agent's labels
    bool connected = false;
    std::int64_t disconnected_ms = 0;  // when it last went away (0: before this collector started)
    std::int64_t last_seen_ms = 0;     // last Hello, batch or heartbeat
    std::int64_t last_batch_ms = 0;
    std::size_t series = 0;
    std::map<std::string, std::vector<StoredFamily>> sources;
    // Family name -> the families of that name in `sources` (rebuilt when a batch is applied).
    std::map<std::string, std::vector<const StoredFamily*>> by_name;
  };
  struct FamilyMeta {
    prometheus::MetricType type;
    std::string help;
  };
  class FleetRenderer;

  // Returns the reason a family cannot be accepted, or empty. Registers new names.
  std::string CheckFamily(const wire::MetricFamily& family);
  // Under the lock: the snapshot's series replace its source's (the limits as ApplyBatch says).
  void ReplaceSource(AgentState& agent, const wire::Snapshot& snapshot, ApplyReport& report);
  static void IndexByName(AgentState& agent);
  std::vector<prometheus::MetricFamily> CollectIf(
      const std::function<bool(const AgentKey&)>& include) const;
  static void SetTargetLabels(const AgentKey& key, AgentState& agent);

  LiveStateLimits limits_;
  mutable std::mutex mutex_;
  std::map<AgentKey, AgentState> agents_;                    // guarded by mutex_
  std::unordered_map<std::string, FamilyMeta> family_meta_;  // guarded by mutex_
};

}  // namespace vigil::collector
