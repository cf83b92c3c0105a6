#pragma once
// The collector's own counters about the ingest stream (vigil_collector_*), in a prometheus-cpp
// registry that /metrics renders next to the live state. Thread-safe (prometheus-cpp's metrics
// are).

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <string>

namespace vigil::collector {

class IngestMetrics {
 public:
  explicit IngestMetrics(prometheus::Registry& registry);

  // `reason` is one of the documented refusal reasons (docs/protocol.md).
  void CountRefused(const std::string& reason);
  void CountRejectedSeries(const std::string& reason, std::size_t count);

  prometheus::Counter& connections_accepted;
  prometheus::Gauge& agents_connected;
  prometheus::Counter& samples_applied;
  prometheus::Counter& batches_duplicate;
  prometheus::Counter& events_received;

 private:
  prometheus::Family<prometheus::Counter>& refused_;
  prometheus::Family<prometheus::Counter>& rejected_;
};

}  // namespace vigil::collector
