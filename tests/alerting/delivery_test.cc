#include "alerting/delivery.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <deque>

#include "tests/support/manual_clock.h"

namespace vigil::alerting {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Answers each call with the next scripted outcome for its URL; completions are run by hand.
class FakeSender : public HttpSender {
 public:
  void Send(HttpCall call, std::function<void(HttpOutcome)> done) override {
    calls.push_back(call);
    pending.push_back({call.url, std::move(done)});
  }
  // Completes the oldest pending call to `url` with `outcome`.
  bool Answer(const std::string& url, HttpOutcome outcome) {
    for (auto it = pending.begin(); it != pending.end(); ++it) {
      if (it->first != url) continue;
      auto done = std::move(it->second);
      pending.erase(it);
      done(outcome);
      return true;
    }
    return false;
  }
  std::vector<HttpCall> calls;
  std::deque<std::pair<std::string, std::function<void(HttpOutcome)>>> pending;
};

struct Recorder : OutboxWriter, DeliveryObserver {
  Status Record(const OutboxEntry& entry) override {
    recorded.push_back(entry);
    return OkStatus();
  }
  void OnAttempt(const OutboxEntry& entry, const HttpOutcome&, AttemptResult result) override {
    results.push_back(entry.receiver + ":" + std::string(AttemptResultName(result)));
  }
  std::vector<OutboxEntry> recorded;
  std::vector<std::string> results;
};

class DeliveryTest : public ::testing::Test {
 protected:
  DeliveryTest() {
    Receiver oncall;
    oncall.name = "oncall";
    oncall.url = "http://oncall";
    oncall.signing_keys = {"0123456789abcdef0123"};
    Receiver backup;
    backup.name = "backup";
    backup.url = "http://backup";
    config_.receivers = {oncall, backup};
    config_.retry = {seconds(1), seconds(60), 2.0};
    config_.max_age = std::chrono::minutes(10);
    config_.breaker_failures = 3;
    config_.breaker_pause = seconds(30);
    deliverer_ = std::make_unique<Deliverer>(config_, recorder_, sender_, recorder_, clock_,
                                             [] { return 0.5; });
  }

  OutboxEntry Entry(const std::string& receiver, const std::string& id) {
    OutboxEntry entry;
    entry.id = id;
    entry.incident_id = "inc-1";
    entry.receiver = receiver;
    entry.event = "fired";
    entry.body = R"({"x":1})";
    entry.created_ms = ToUnixMillis(clock_.Now());
    entry.next_attempt_ms = entry.created_ms;
    return entry;
  }
  void Poll() { deliverer_->Poll(clock_.Now()); }
  void Pass(milliseconds d) {
    clock_.Advance(d);
    Poll();
  }

  NotifyConfig config_;
  testing::ManualClock clock_;
  FakeSender sender_;
  Recorder recorder_;
  std::unique_ptr<Deliverer> deliverer_;
};

TEST_F(DeliveryTest, ASuccessIsRecordedAndNeverSentAgain) {
  deliverer_->Add(Entry("oncall", "msg_a"));
  Poll();
  ASSERT_EQ(sender_.calls.size(), 1u);
  const HttpCall& call = sender_.calls[0];
  EXPECT_EQ(call.url, "http://oncall");
  const auto header = [&](const std::string& name) {
    for (const auto& [key, value] : call.headers) {
      if (key == name) return value;
    }
    return std::string();
  };
  EXPECT_EQ(header("webhook-id"), "msg_a");
  EXPECT_EQ(header("webhook-timestamp"), std::to_string(ToUnixMillis(clock_.Now()) / 1000));
  EXPECT_EQ(header("webhook-signature").rfind("v1,", 0), 0u);
  ASSERT_TRUE(sender_.Answer("http://oncall", {200, "", std::nullopt}));
  EXPECT_EQ(recorder_.recorded.back().state, OutboxState::kDelivered);
  EXPECT_EQ(recorder_.recorded.back().attempts, 1);
  Pass(std::chrono::hours(1));
  EXPECT_EQ(sender_.calls.size(), 1u);
  EXPECT_EQ(deliverer_->queued(), 0u);
}

TEST_F(DeliveryTest, ServerErrorsAreRetriedWithBackoffAndRetryAfterIsHonoured) {
  deliverer_->Add(Entry("oncall", "msg_a"));
  Poll();
  sender_.Answer("http://oncall", {503, "", std::nullopt});
  EXPECT_EQ(recorder_.results.back(), "oncall:retried");
  // First backoff: base 1s, jitter 0.5 -> 750ms.
  EXPECT_EQ(deliverer_->NextDue(), clock_.Now() + milliseconds(750));
  Pass(milliseconds(749));
  EXPECT_EQ(sender_.calls.size(), 1u);
  Pass(milliseconds(1));
  ASSERT_EQ(sender_.calls.size(), 2u);
  sender_.Answer("http://oncall", {429, "", seconds(20)});
  EXPECT_EQ(deliverer_->NextDue(), clock_.Now() + seconds(20));
  Pass(seconds(20));
  ASSERT_EQ(sender_.calls.size(), 3u);
  sender_.Answer("http://oncall", {204, "", std::nullopt});
  EXPECT_EQ(recorder_.results.back(), "oncall:delivered");
  EXPECT_EQ(recorder_.recorded.back().attempts, 3);
}

TEST_F(DeliveryTest, AClientErrorDeadLettersAtOnce) {
  deliverer_->Add(Entry("oncall", "msg_a"));
  Poll();
  sender_.Answer("http://oncall", {400, "", std::nullopt});
  EXPECT_EQ(recorder_.results.back(), "oncall:dead");
  EXPECT_EQ(recorder_.recorded.back().state, OutboxState::kDead);
  EXPECT_EQ(recorder_.recorded.back().last_status, 400);
}

TEST_F(DeliveryTest, AReceiverDownForGoodDeadLettersAfterMaxAgeWithoutDelayingAnother) {
  deliverer_->Add(Entry("oncall", "msg_a"));
  deliverer_->Add(Entry("backup", "msg_b"));
  Poll();
  sender_.Answer("http://backup", {200, "", std::nullopt});
  for (int i = 0; i < 200 && deliverer_->queued() > 0; ++i) {
    while (sender_.Answer("http://oncall", {0, "connection refused", std::nullopt})) {
    }
    if (auto next = deliverer_->NextDue()) {
      clock_.Advance(std::chrono::duration_cast<milliseconds>(*next - clock_.Now()));
    }
    Poll();
  }
  EXPECT_EQ(recorder_.results.front(), "backup:delivered");
  EXPECT_EQ(recorder_.results.back(), "oncall:dead");
  EXPECT_EQ(recorder_.recorded.back().last_error, "connection refused");
  EXPECT_LE(clock_.Now(), std::chrono::system_clock::time_point(
                              milliseconds(recorder_.recorded.back().created_ms)) +
                              config_.max_age);
}

TEST_F(DeliveryTest, TheCircuitOpensAfterRepeatedFailuresAndProbesWithOneCall) {
  for (int i = 0; i < 5; ++i) {
    OutboxEntry entry = Entry("oncall", "msg_" + std::to_string(i));
    entry.incident_id = "inc-" + std::to_string(i);  // five incidents: sent side by side
    deliverer_->Add(entry);
  }
  Poll();
  ASSERT_EQ(sender_.calls.size(), 5u);
  for (int i = 0; i < 5; ++i) sender_.Answer("http://oncall", {502, "", std::nullopt});
  EXPECT_TRUE(deliverer_->circuit_open("oncall"));
  Pass(seconds(29));
  EXPECT_EQ(sender_.calls.size(), 5u);  // open: nothing sent, retries wait
  Pass(seconds(1));
  ASSERT_EQ(sender_.calls.size(), 6u);  // one probe
  Pass(seconds(1));
  EXPECT_EQ(sender_.calls.size(), 6u);
  sender_.Answer("http://oncall", {200, "", std::nullopt});
  EXPECT_FALSE(deliverer_->circuit_open("oncall"));
  Poll();
  EXPECT_EQ(sender_.calls.size(), 10u);  // closed: the rest go at once
}

TEST_F(DeliveryTest, AnIncidentsNotificationsReachAReceiverInOrder) {
  OutboxEntry fired = Entry("oncall", "msg_fired");
  OutboxEntry resolved = Entry("oncall", "msg_resolved");
  resolved.event = "resolved";
  OutboxEntry other = Entry("oncall", "msg_other");
  other.incident_id = "inc-2";
  deliverer_->Add(fired);
  deliverer_->Add(resolved);
  deliverer_->Add(other);
  Poll();
  ASSERT_EQ(sender_.calls.size(), 2u);  // fired and the other incident's; resolved waits
  sender_.Answer("http://oncall", {503, "", std::nullopt});  // fired fails: resolved still waits
  Pass(milliseconds(100));
  EXPECT_EQ(sender_.calls.size(), 2u);
  EXPECT_FALSE(deliverer_->NextDue() > clock_.Now() + seconds(1));
  Pass(seconds(1));
  ASSERT_EQ(sender_.calls.size(), 3u);                       // fired again
  sender_.Answer("http://oncall", {200, "", std::nullopt});  // the other incident's
  sender_.Answer("http://oncall", {200, "", std::nullopt});  // fired
  Poll();
  ASSERT_EQ(sender_.calls.size(), 4u);
  for (const auto& [name, value] : sender_.calls.back().headers) {
    if (name == "webhook-id") {
      EXPECT_EQ(value, "msg_resolved");
    }
  }
}

TEST_F(DeliveryTest, NotificationsOfAReceiverNoLongerConfiguredAreDeadLettered) {
  deliverer_->Add(Entry("gone", "msg_a"));
  Poll();
  EXPECT_EQ(recorder_.results.back(), "gone:dead");
  EXPECT_TRUE(sender_.calls.empty());
}

TEST(NotificationId, IsPrefixedAndUnique) {
  const std::string a = NewNotificationId();
  EXPECT_EQ(a.rfind("msg_", 0), 0u);
  EXPECT_EQ(a.size(), 30u);
  EXPECT_NE(a, NewNotificationId());
}

}  // namespace
}  // namespace vigil::alerting
