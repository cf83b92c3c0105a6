#pragma once
// Delivering queued notifications (the outbox) to their receivers: each attempt is a POST with a
// timeout; 2xx is delivered; 429, 5xx and no answer are retried with exponential backoff and
// jitter (a Retry-After longer than the backoff is honoured) until the notification is max_age
// old, when it is dead-lettered; any other answer dead-letters it at once. A per-receiver circuit
// breaker stops attempts to a receiver after breaker_failures consecutive failures, lets one
// probe through after breaker_pause (doubling while it keeps failing, up to 16x), and closes on a
// success; so one dead receiver costs the others nothing.
//
// One incident's notifications reach a receiver in the order they were queued: the next waits
// until the one before is delivered or dead (a pager must not get "resolve" before "trigger").
//
// Every attempt's outcome is written through the OutboxWriter before the observer hears of it;
// a delivered notification is never attempted again. Webhook receivers get the Standard Webhooks
// headers: webhook-id (the notification's id, stable across retries and restarts, for
// deduplication), webhook-timestamp, and webhook-signature when they have secrets.
//
// Single-threaded: Add, Poll and the sender's completions run on one thread (the owner's).

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "alerting/notify_config.h"
#include "common/backoff.h"
#include "common/clock.h"
#include "common/result.h"

namespace vigil::alerting {

// Where a notification stands: queued (and retried) until delivered or dead-lettered.
enum class OutboxState : std::uint8_t { kPending, kDelivered, kDead };
// "pending", "delivered", "dead": the API's and the store's word for each.
std::string_view OutboxStateName(OutboxState state);
std::optional<OutboxState> ParseOutboxState(std::string_view name);

// What one delivery attempt came to.
enum class AttemptResult : std::uint8_t { kDelivered, kRetried, kDead };
// "delivered", "retried", "dead": the metrics' `result` label.
std::string_view AttemptResultName(AttemptResult result);

struct OutboxEntry {
  std::string id;  // "msg_…", the webhook-id
  std::string incident_id;
  std::string receiver;
  std::string event;  // NotifyEventName
  std::string body;   // rendered when queued
  std::int64_t created_ms = 0;
  int attempts = 0;
  std::int64_t next_attempt_ms = 0;
  OutboxState state = OutboxState::kPending;
  int last_status = 0;  // HTTP status of the last attempt; 0: no answer
  std::string last_error;
  std::int64_t finished_ms = 0;  // when it was delivered or dead-lettered
};

// Persists what an attempt changed in an entry (state, attempts, next attempt, last result).
class OutboxWriter {
 public:
  virtual ~OutboxWriter() = default;
  virtual Status Record(const OutboxEntry& entry) = 0;
};

struct HttpCall {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  Duration timeout{0};
};

struct HttpOutcome {
  int status = 0;     // 0: no answer (refused, unresolvable, TLS, timeout)
  std::string error;  // why there was no answer, or a short reason
  std::optional<Duration> retry_after;
};

// Sends POSTs. `done` is called exactly once, later, on the deliverer's thread.
class HttpSender {
 public:
  virtual ~HttpSender() = default;
  virtual void Send(HttpCall call, std::function<void(HttpOutcome)> done) = 0;
};

class DeliveryObserver {
 public:
  virtual ~DeliveryObserver() = default;
  // `entry` is as recorded after the attempt.
  virtual void OnAttempt(const OutboxEntry& entry, const HttpOutcome& outcome,
                         AttemptResult result) = 0;
};

class Deliverer {
 public:
  using TimePoint = std::chrono::system_clock::time_point;

  Deliverer(NotifyConfig config, OutboxWriter& writer, HttpSender& sender,
            DeliveryObserver& observer, const Clock& clock, UniformRandom random);
  ~Deliverer();
  Deliverer(const Deliverer&) = delete;
  Deliverer& operator=(const Deliverer&) = delete;

  // Receivers, timeouts and limits from now on (a reload); queued entries stay.
  void SetConfig(NotifyConfig config);

  // A stored, pending notification to deliver (at its next_attempt_ms).
  void Add(OutboxEntry entry);
  // Closes the receiver's circuit: someone says it is back (a dead letter retried by hand).
  void ResetCircuit(const std::string& receiver);
  // Starts every attempt that is due and allowed; dead-letters entries past max_age.
  void Poll(TimePoint now);
  // When Poll next has something to do (a retry, a circuit's probe); nullopt: nothing queued.
  std::optional<TimePoint> NextDue() const;

  std::size_t queued() const;  // pending, in flight or waiting
  bool circuit_open(const std::string& receiver) const;
  std::vector<std::string> receivers() const;

 private:
  struct Circuit {
    int failures = 0;  // consecutive
    int openings = 0;  // consecutive, for the pause's growth
    std::optional<TimePoint> open_until;
    bool probing = false;
  };
  void Start(OutboxEntry entry, const Receiver& receiver, TimePoint now);
  void Finish(const std::string& id, const HttpOutcome& outcome);
  void Record(OutboxEntry& entry, const HttpOutcome& outcome, AttemptResult result);
  void Fail(Circuit& circuit, bool was_probe, TimePoint now);

  NotifyConfig config_;
  OutboxWriter& writer_;
  HttpSender& sender_;
  DeliveryObserver& observer_;
  const Clock& clock_;
  UniformRandom random_;
  std::map<std::string, OutboxEntry> entries_;          // queued and in flight, by id
  std::set<std::pair<std::int64_t, std::string>> due_;  // (next attempt ms, id), not in flight
  std::map<std::string, std::size_t> in_flight_;        // per receiver
  std::map<std::string, Circuit> circuits_;
  // Per (receiver, incident), queued ids in order; only the first may be attempted.
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> lanes_;
  bool FirstInLane(const OutboxEntry& entry) const;
  void LeaveLane(const OutboxEntry& entry);
  std::shared_ptr<bool> alive_;  // completions after destruction are ignored
};

// "msg_" and 26 random base32 characters: a webhook-id.
std::string NewNotificationId();

}  // namespace vigil::alerting
