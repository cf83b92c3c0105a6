#include "alerting/delivery.h"
#include "common/clock.h"

#include <openssl/rand.h>

#include <algorithm>

#include "alerting/payloads.h"
#include "alerting/webhook_signature.h"
#include "common/enum_names.h"

namespace vigil::alerting {
namespace {

bool Retryable(int status) { return status == 0 || status == 429 || status >= 500; }

constexpr int kMaxPauseDoublings = 4;  // the circuit's pause grows to 16x at most

constexpr EnumNames<OutboxState, 3> kOutboxStateNames{{{OutboxState::kPending, "pending"},
                                                       {OutboxState::kDelivered, "delivered"},
                                                       {OutboxState::kDead, "dead"}}};
constexpr EnumNames<AttemptResult, 3> kAttemptResultNames{{{AttemptResult::kDelivered, "delivered"},
                                                           {AttemptResult::kRetried, "retried"},
                                                           {AttemptResult::kDead, "dead"}}};

}  // namespace

std::string_view OutboxStateName(OutboxState state) { return NameIn(kOutboxStateNames, state); }

std::optional<OutboxState> ParseOutboxState(std::string_view name) {
  return ValueIn(kOutboxStateNames, name);
}

std::string_view AttemptResultName(AttemptResult result) {
  return NameIn(kAttemptResultNames, result);
}

std::string NewNotificationId() {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  unsigned char bytes[26];
  RAND_bytes(bytes, sizeof bytes);
  std::string id = "msg_";
  for (unsigned char byte : bytes) id += kAlphabet[byte & 31];
  return id;
}

Deliverer::Deliverer(NotifyConfig config, OutboxWriter& writer, HttpSender& sender,
                     DeliveryObserver& observer, const Clock& clock, UniformRandom random)
    : config_(std::move(config)),
      writer_(writer),
      sender_(sender),
      observer_(observer),
      clock_(clock),
      random_(std::move(random)),
      alive_(std::make_shared<bool>(true)) {}

Deliverer::~Deliverer() { *alive_ = false; }

void Deliverer::SetConfig(NotifyConfig config) { config_ = std::move(config); }

bool Deliverer::FirstInLane(const OutboxEntry& entry) const {
  auto lane = lanes_.find({entry.receiver, entry.incident_id});
  return lane == lanes_.end() || lane->second.front() == entry.id;
}

void Deliverer::LeaveLane(const OutboxEntry& entry) {
  auto lane = lanes_.find({entry.receiver, entry.incident_id});
  if (lane == lanes_.end()) return;
  std::erase(lane->second, entry.id);
  if (lane->second.empty()) lanes_.erase(lane);
}

void Deliverer::Add(OutboxEntry entry) {
  if (entries_.count(entry.id) > 0) return;
  due_.insert({entry.next_attempt_ms, entry.id});
  lanes_[{entry.receiver, entry.incident_id}].push_back(entry.id);
  const std::string id = entry.id;
  entries_.emplace(id, std::move(entry));
}

void Deliverer::ResetCircuit(const std::string& receiver) {
  auto it = circuits_.find(receiver);
  if (it != circuits_.end() && !it->second.probing) it->second = Circuit{};
}

void Deliverer::Poll(TimePoint now) {
  const std::int64_t now_ms = ToUnixMillis(now);
  std::vector<std::pair<std::int64_t, std::string>> ready;
  for (const auto& item : due_) {
    if (item.first > now_ms) break;
    ready.push_back(item);
  }
  for (const auto& [due, id] : ready) {
    OutboxEntry& entry = entries_.at(id);
    const Receiver* receiver = config_.FindReceiver(entry.receiver);
    if (receiver == nullptr || now_ms - entry.created_ms >= config_.max_age.count()) {
      due_.erase({due, id});
      HttpOutcome outcome;
      outcome.error = receiver == nullptr ? "the receiver is no longer configured"
                                          : "not delivered within delivery.max_age";
      outcome.status = entry.last_status;
      Record(entry, outcome, AttemptResult::kDead);
      LeaveLane(entry);
      entries_.erase(id);
      continue;
    }
    if (!FirstInLane(entry)) continue;  // an earlier notification of its incident goes first
    Circuit& circuit = circuits_[entry.receiver];
    if (circuit.open_until) {
      // Open: wait for the pause to end, then let one probe through at a time.
      if (now < *circuit.open_until || circuit.probing) continue;
    }
    if (in_flight_[entry.receiver] >= config_.max_in_flight_per_receiver) continue;
    if (circuit.open_until) circuit.probing = true;
    due_.erase({due, id});
    Start(entry, *receiver, now);
  }
}

void Deliverer::Start(OutboxEntry entry, const Receiver& receiver, TimePoint now) {
  ++in_flight_[entry.receiver];
  HttpCall call;
  call.url = TargetUrl(receiver);
  call.timeout = config_.timeout;
  call.body = FinalizeBody(receiver, entry.body);
  call.headers = {{"Content-Type", "application/json"}, {"User-Agent", "Vigil/" VIGIL_VERSION}};
  if (receiver.type == Receiver::Type::kWebhook) {
    const std::int64_t timestamp =
        std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    call.headers.emplace_back("webhook-id", entry.id);
    call.headers.emplace_back("webhook-timestamp", std::to_string(timestamp));
    if (!receiver.signing_keys.empty()) {
      call.headers.emplace_back("webhook-signature",
                                SignWebhook(receiver.signing_keys, entry.id, timestamp, call.body));
    }
  }
  std::weak_ptr<bool> alive = alive_;
  sender_.Send(std::move(call), [this, alive, id = entry.id](HttpOutcome outcome) {
    if (auto still = alive.lock(); still && *still) Finish(id, outcome);
  });
}

void Deliverer::Finish(const std::string& id, const HttpOutcome& outcome) {
  auto found = entries_.find(id);
  if (found == entries_.end()) return;
  OutboxEntry& entry = found->second;
  --in_flight_[entry.receiver];
  const TimePoint now = clock_.Now();
  const std::int64_t now_ms = ToUnixMillis(now);
  Circuit& circuit = circuits_[entry.receiver];
  const bool was_probe = circuit.probing;
  circuit.probing = false;
  entry.attempts += 1;
  entry.last_status = outcome.status;
  entry.last_error = outcome.error;
  if (outcome.status >= 200 && outcome.status < 300) {
    circuit = Circuit{};
    entry.state = OutboxState::kDelivered;
    entry.finished_ms = now_ms;
    Record(entry, outcome, AttemptResult::kDelivered);
    LeaveLane(entry);
    entries_.erase(found);
    return;
  }
  if (!Retryable(outcome.status)) {
    // The receiver answered, so it is up; the request itself is refused: retrying cannot help.
    circuit.failures = 0;
    Record(entry, outcome, AttemptResult::kDead);
    LeaveLane(entry);
    entries_.erase(found);
    return;
  }
  Fail(circuit, was_probe, now);
  const std::int64_t deadline_ms = entry.created_ms + config_.max_age.count();
  if (now_ms >= deadline_ms) {
    Record(entry, outcome, AttemptResult::kDead);
    LeaveLane(entry);
    entries_.erase(found);
    return;
  }
  Duration delay = BackoffDelay(config_.retry, entry.attempts - 1, random_());
  if (outcome.retry_after && *outcome.retry_after > delay) delay = *outcome.retry_after;
  // The last attempt is made just before max_age, not skipped because a delay overshoots it.
  entry.next_attempt_ms = std::min(now_ms + delay.count(), deadline_ms - 1);
  Record(entry, outcome, AttemptResult::kRetried);
  due_.insert({entry.next_attempt_ms, id});
}

void Deliverer::Fail(Circuit& circuit, bool was_probe, TimePoint now) {
  ++circuit.failures;
  // A failed probe reopens the circuit for longer; calls that were in flight when it opened
  // change nothing.
  const bool open = circuit.open_until.has_value();
  if ((open && was_probe) || (!open && circuit.failures >= config_.breaker_failures)) {
    const int doublings = std::min(circuit.openings, kMaxPauseDoublings);
    circuit.open_until = now + config_.breaker_pause * (1 << doublings);
    ++circuit.openings;
  }
}

void Deliverer::Record(OutboxEntry& entry, const HttpOutcome& outcome, AttemptResult result) {
  if (result == AttemptResult::kDead) {
    entry.state = OutboxState::kDead;
    entry.finished_ms = ToUnixMillis(clock_.Now());
  }
  (void)writer_.Record(entry);  // a failed write leaves the row pending: at worst, sent again
  observer_.OnAttempt(entry, outcome, result);
}

std::optional<Deliverer::TimePoint> Deliverer::NextDue() const {
  std::optional<TimePoint> next;
  for (const auto& [due, id] : due_) {
    TimePoint at = FromUnixMillis(due);
    const OutboxEntry& entry = entries_.at(id);
    if (!FirstInLane(entry)) continue;  // woken when the one before it finishes
    auto circuit = circuits_.find(entry.receiver);
    if (circuit != circuits_.end() && circuit->second.open_until && !circuit->second.probing) {
      at = std::max(at, *circuit->second.open_until);
    }
    // An entry waiting for a circuit is still dead-lettered on time.
    at = std::min(at, FromUnixMillis(entry.created_ms) + config_.max_age);
    // Entries waiting for an in-flight slot are woken by the completion, not by time.
    auto flying = in_flight_.find(entry.receiver);
    if (flying != in_flight_.end() && flying->second >= config_.max_in_flight_per_receiver)
      continue;
    if (circuit != circuits_.end() && circuit->second.probing) continue;
    if (!next || at < *next) next = at;
  }
  return next;
}

std::size_t Deliverer::queued() const { return entries_.size(); }

bool Deliverer::circuit_open(const std::string& receiver) const {
  auto it = circuits_.find(receiver);
  return it != circuits_.end() && it->second.open_until.has_value();
}

std::vector<std::string> Deliverer::receivers() const {
  std::vector<std::string> out;
  for (const Receiver& receiver : config_.receivers) out.push_back(receiver.name);
  return out;
}

}  // namespace vigil::alerting
