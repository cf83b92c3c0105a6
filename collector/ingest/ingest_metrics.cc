#include "collector/ingest/ingest_metrics.h"

namespace vigil::collector {
namespace {

// Created at zero so that rate() and alerts see every reason from the first scrape.
constexpr const char* kRefusalReasons[] = {
    "connection_limit",     "tls_handshake_failed", "handshake_timeout", "hello_timeout",
    "unauthorized",         "protocol_version",     "invalid_hello",     "frame_too_large",
    "malformed_message",    "protocol_violation",   "idle_timeout",      "rate_limited",
    "unauthenticated_limit"};

}  // namespace

IngestMetrics::IngestMetrics(prometheus::Registry& registry)
    : connections_accepted(prometheus::BuildCounter()
                               .Name("vigil_collector_connections_accepted_total")
                               .Help("Ingest connections whose agent was accepted after Hello.")
                               .Register(registry)
                               .Add({})),
      agents_connected(prometheus::BuildGauge()
                           .Name("vigil_collector_agents_connected")
                           .Help("Agents with a live stream to this collector.")
                           .Register(registry)
                           .Add({})),
      samples_applied(prometheus::BuildCounter()
                          .Name("vigil_collector_samples_applied_total")
                          .Help("Series values applied from agents' batches.")
                          .Register(registry)
                          .Add({})),
      batches_duplicate(prometheus::BuildCounter()
                            .Name("vigil_collector_batches_duplicate_total")
                            .Help("Batches received again after they were applied, and skipped.")
                            .Register(registry)
                            .Add({})),
      events_received(prometheus::BuildCounter()
                          .Name("vigil_collector_events_received_total")
                          .Help("Events received in agents' batches.")
                          .Register(registry)
                          .Add({})),
      refused_(prometheus::BuildCounter()
                   .Name("vigil_collector_connections_refused_total")
                   .Help("Ingest connections the collector closed because the peer broke a rule, "
                         "by reason.")
                   .Register(registry)),
      rejected_(prometheus::BuildCounter()
                    .Name("vigil_collector_series_rejected_total")
                    .Help("Series left out of agents' batches, by reason.")
                    .Register(registry)) {
  for (const char* reason : kRefusalReasons) refused_.Add({{"reason", reason}});
}

void IngestMetrics::CountRefused(const std::string& reason) {
  refused_.Add({{"reason", reason}}).Increment();
}

void IngestMetrics::CountRejectedSeries(const std::string& reason, std::size_t count) {
  rejected_.Add({{"reason", reason}}).Increment(static_cast<double>(count));
}

}  // namespace vigil::collector
