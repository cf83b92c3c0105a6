#pragma once
// The outbox's delivery thread: runs an alerting::Deliverer over libcurl's multi interface,
// records each attempt in the store (with its timeline entry, in one transaction), and counts it
// in the notification metrics. Entries come in from any thread through Submit.

#include <prometheus/family.h>
#include <prometheus/registry.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "alerting/delivery.h"
#include "collector/notify/curl_sender.h"
#include "collector/store/store.h"
#include "common/clock.h"

namespace prometheus {
class Counter;
class Gauge;
class Histogram;
}  // namespace prometheus

namespace vigil::collector {

class DeliveryLoop final : private alerting::OutboxWriter, private alerting::DeliveryObserver {
 public:
  DeliveryLoop(OutboxStore& store, prometheus::Registry& registry, const Clock& clock,
               alerting::NotifyConfig config);
  ~DeliveryLoop() override;
  DeliveryLoop(const DeliveryLoop&) = delete;
  DeliveryLoop& operator=(const DeliveryLoop&) = delete;

  // Called on every round of the thread (at least once a second), so that systemd's watchdog
  // sees it alive (common/service_watchdog.h). Before Start.
  void SetHeartbeat(std::function<void()> beat) { heartbeat_ = std::move(beat); }
  // Starts the thread with the entries still pending in the store.
  void Start(std::vector<alerting::OutboxEntry> pending);
  // Stops the thread; transfers in flight are abandoned (their entries stay pending in the store
  // and are sent again, with the same webhook-id, after a restart).
  void Stop();

  // Thread-safe.
  void Submit(std::vector<alerting::OutboxEntry> entries);
  // A dead letter queued again by hand: its receiver's circuit is closed, since someone says it
  // is back.
  void Resubmit(alerting::OutboxEntry entry);
  void SetConfig(alerting::NotifyConfig config);

 private:
  void Run();
  Status Record(const alerting::OutboxEntry& entry) override;
  void OnAttempt(const alerting::OutboxEntry& entry, const alerting::HttpOutcome& outcome,
                 alerting::AttemptResult result) override;

  OutboxStore& store_;
  const Clock& clock_;
  prometheus::Family<prometheus::Counter>& notifications_;
  prometheus::Family<prometheus::Histogram>& delivery_seconds_;
  prometheus::Family<prometheus::Gauge>& circuit_open_;
  CurlSender sender_;
  std::unique_ptr<alerting::Deliverer> deliverer_;  // used on the thread only (after Start)
  std::function<void()> heartbeat_;

  std::mutex mutex_;
  std::vector<alerting::OutboxEntry> inbox_;          // guarded by mutex_
  std::vector<alerting::OutboxEntry> resubmitted_;    // guarded by mutex_
  std::optional<alerting::NotifyConfig> new_config_;  // guarded by mutex_
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace vigil::collector
