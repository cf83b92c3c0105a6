#include "collector/notify/delivery_loop.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>

#include "common/log.h"
#include "common/time_format.h"

namespace vigil::collector {
namespace {

constexpr auto kMaxWait = std::chrono::milliseconds(1000);

// What the incident's timeline says about an attempt.
TimelineEntry Describe(const alerting::OutboxEntry& entry, std::int64_t now_ms) {
  const std::string answer =
      entry.last_status != 0 ? "HTTP " + std::to_string(entry.last_status) : entry.last_error;
  const std::string what = entry.receiver + " (" + entry.event + ")";
  if (entry.state == alerting::OutboxState::kDelivered) {
    return {now_ms, "notified", "system",
            what + ": delivered, HTTP " + std::to_string(entry.last_status) + ", attempt " +
                std::to_string(entry.attempts)};
  }
  if (entry.state == alerting::OutboxState::kDead) {
    return {now_ms, "notify_failed", "system",
            what + ": dead-lettered after " + std::to_string(entry.attempts) + " attempts (" +
                (entry.last_error.empty() ? answer : entry.last_error) + ")"};
  }
  return {now_ms, "notify_failed", "system",
          what + ": " + answer + "; attempt " + std::to_string(entry.attempts) + ", retrying at " +
              FormatRfc3339(entry.next_attempt_ms)};
}

}  // namespace

DeliveryLoop::DeliveryLoop(OutboxStore& store, prometheus::Registry& registry, const Clock& clock,
                           alerting::NotifyConfig config)
    : store_(store),
      clock_(clock),
      notifications_(prometheus::BuildCounter()
                         .Name("vigil_notifications_total")
                         .Help("Notification attempts, by receiver and result (delivered, "
                               "retried, dead).")
                         .Register(registry)),
      delivery_seconds_(prometheus::BuildHistogram()
                            .Name("vigil_notification_delivery_seconds")
                            .Help("From the incident event to the receiver's 2xx answer.")
                            .Register(registry)),
      circuit_open_(prometheus::BuildGauge()
                        .Name("vigil_receiver_circuit_open")
                        .Help("1 while the receiver's circuit breaker holds notifications back.")
                        .Register(registry)) {
  alerting::OutboxWriter& writer = *this;
  alerting::DeliveryObserver& observer = *this;
  deliverer_ = std::make_unique<alerting::Deliverer>(std::move(config), writer, sender_, observer,
                                                     clock_, MakeSystemRandom());
  for (const std::string& receiver : deliverer_->receivers()) {
    circuit_open_.Add({{"receiver", receiver}}).Set(0);
  }
}

DeliveryLoop::~DeliveryLoop() { Stop(); }

void DeliveryLoop::Start(std::vector<alerting::OutboxEntry> pending) {
  for (alerting::OutboxEntry& entry : pending) deliverer_->Add(std::move(entry));
  thread_ = std::thread([this] { Run(); });
}

void DeliveryLoop::Stop() {
  stopping_ = true;
  sender_.Wakeup();
  if (thread_.joinable()) thread_.join();
}

void DeliveryLoop::Submit(std::vector<alerting::OutboxEntry> entries) {
  if (entries.empty()) return;
  {
    std::lock_guard lock(mutex_);
    for (alerting::OutboxEntry& entry : entries) inbox_.push_back(std::move(entry));
  }
  sender_.Wakeup();
}

void DeliveryLoop::Resubmit(alerting::OutboxEntry entry) {
  {
    std::lock_guard lock(mutex_);
    resubmitted_.push_back(std::move(entry));
  }
  sender_.Wakeup();
}

void DeliveryLoop::SetConfig(alerting::NotifyConfig config) {
  {
    std::lock_guard lock(mutex_);
    new_config_ = std::move(config);
  }
  sender_.Wakeup();
}

void DeliveryLoop::Run() {
  while (!stopping_) {
    if (heartbeat_) heartbeat_();
    std::vector<alerting::OutboxEntry> incoming;
    std::vector<alerting::OutboxEntry> resubmitted;
    std::optional<alerting::NotifyConfig> config;
    {
      std::lock_guard lock(mutex_);
      incoming.swap(inbox_);
      resubmitted.swap(resubmitted_);
      config.swap(new_config_);
    }
    if (config) deliverer_->SetConfig(std::move(*config));
    for (alerting::OutboxEntry& entry : incoming) deliverer_->Add(std::move(entry));
    for (alerting::OutboxEntry& entry : resubmitted) {
      deliverer_->ResetCircuit(entry.receiver);
      deliverer_->Add(std::move(entry));
    }
    const auto now = clock_.Now();
    deliverer_->Poll(now);
    for (const std::string& receiver : deliverer_->receivers()) {
      circuit_open_.Add({{"receiver", receiver}}).Set(deliverer_->circuit_open(receiver) ? 1 : 0);
    }
    auto wait = kMaxWait;
    if (auto next = deliverer_->NextDue()) {
      wait = std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(*next - now),
                        std::chrono::milliseconds(0), kMaxWait);
    }
    sender_.Perform(wait);
  }
}

Status DeliveryLoop::Record(const alerting::OutboxEntry& entry) {
  Status stored = store_.RecordNotification(entry, {Describe(entry, ToUnixMillis(clock_.Now()))});
  if (!stored) {
    LogError("notifications: cannot record an attempt of " + entry.id + ": " +
             stored.error().message);
  }
  return stored;
}

void DeliveryLoop::OnAttempt(const alerting::OutboxEntry& entry,
                             const alerting::HttpOutcome& outcome, alerting::AttemptResult result) {
  notifications_
      .Add({{"receiver", entry.receiver},
            {"result", std::string(alerting::AttemptResultName(result))}})
      .Increment();
  if (result == alerting::AttemptResult::kDelivered) {
    delivery_seconds_
        .Add({{"receiver", entry.receiver}},
             prometheus::Histogram::BucketBoundaries{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
                                                     2.5, 5, 10, 30, 60, 300, 900, 3600})
        .Observe(static_cast<double>(entry.finished_ms - entry.created_ms) / 1000.0);
  } else if (result == alerting::AttemptResult::kDead) {
    LogWarning("notifications: " + entry.id + " to " + entry.receiver +
               " dead-lettered: " + (entry.last_error.empty() ? outcome.error : entry.last_error));
  }
}

}  // namespace vigil::collector
