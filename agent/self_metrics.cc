#include "agent/self_metrics.h"

#include "common/metric_builder.h"

namespace vigil::agent {

std::vector<wire::MetricFamily> SelfFamilies(const SelfState& state) {
  std::vector<wire::MetricFamily> out;
  const auto add = [&out](const char* name, const char* help, wire::MetricType type, double value,
                          const LabelPairs& labels = {}) {
    auto family = MakeFamily(name, help, type);
    AddSeries(family, value, labels);
    out.push_back(std::move(family));
  };
  add("vigil_agent_build_info", "Always 1; the agent's version is in the label.",
      wire::METRIC_TYPE_GAUGE, 1, {{"version", VIGIL_VERSION}});
  add("vigil_agent_start_time_seconds", "When the agent process started, in unixtime.",
      wire::METRIC_TYPE_GAUGE,
      std::chrono::duration<double>(state.start_time.time_since_epoch()).count());
  add("vigil_agent_batches_produced_total",
      "Batches this agent's spool has produced, counting the batch that carries this sample.",
      wire::METRIC_TYPE_COUNTER, static_cast<double>(state.batch_sequence));
  add("vigil_agent_batches_acked_total",
      "Batches the collector acknowledged since the agent started.", wire::METRIC_TYPE_COUNTER,
      static_cast<double>(state.uplink.batches_acked));
  add("vigil_agent_spool_batches", "Batches in the spool waiting for an acknowledgement.",
      wire::METRIC_TYPE_GAUGE, static_cast<double>(state.spool.pending_batches));
  add("vigil_agent_spool_bytes", "Payload bytes in the spool waiting for an acknowledgement.",
      wire::METRIC_TYPE_GAUGE, static_cast<double>(state.spool.pending_bytes));
  add("vigil_agent_spool_dropped_batches_total",
      "Oldest batches dropped because the spool reached spool.max_bytes.",
      wire::METRIC_TYPE_COUNTER, static_cast<double>(state.spool.dropped_batches));
  add("vigil_agent_uplink_connected", "Whether the agent has a live stream to the collector.",
      wire::METRIC_TYPE_GAUGE, state.uplink.connected ? 1 : 0);
  add("vigil_agent_uplink_connections_total",
      "Streams to the collector established since the agent started.", wire::METRIC_TYPE_COUNTER,
      static_cast<double>(state.uplink.connections));
  return out;
}

}  // namespace vigil::agent
