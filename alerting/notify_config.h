#pragma once
// Notification settings in their compiled form: receivers with their secrets already read from
// their files, and the routing tree with compiled matchers. The collector builds this from
// collector.yaml's `notifications` section (docs/webhooks.md).

#include <optional>
#include <string>
#include <vector>

#include "alerting/label_matcher.h"
#include "common/backoff.h"
#include "common/units.h"

namespace vigil::alerting {

struct Receiver {
  enum class Type { kWebhook, kSlack, kPagerDuty, kAlertmanager };
  std::string name;
  Type type = Type::kWebhook;
  bool alertmanager_format = false;  // webhook: Alertmanager's webhook body (version 4)
  std::string url;                   // for alertmanager: its base URL
  // webhook: HMAC keys (decoded from whsec_…), newest first; each adds a signature.
  std::vector<std::string> signing_keys;
  std::string routing_key;  // pagerduty
};

struct Escalation {
  Duration after{0};
  std::string receiver;
};

struct Route {
  std::vector<LabelMatcher> matchers;       // all must match; the root route has none
  std::string receiver;                     // empty: the parent's
  std::optional<bool> send_resolved;        // unset: the parent's (the root's default: true)
  std::optional<Duration> repeat_interval;  // unset: the parent's (the root's default: 4h); 0: none
  std::vector<Escalation> escalate;         // not inherited
  bool continue_matching = false;           // after matching, try the next sibling too
  std::vector<Route> routes;
};

struct NotifyConfig {
  Duration timeout{std::chrono::seconds(10)};  // per attempt
  Duration max_age{std::chrono::hours(1)};     // then a notification is dead-lettered
  BackoffPolicy retry{std::chrono::seconds(1), std::chrono::minutes(5), 2.0};
  int breaker_failures = 5;  // consecutive failures that open a circuit
  Duration breaker_pause{std::chrono::seconds(30)};
  std::size_t max_in_flight_per_receiver = 8;
  std::string external_url;  // base of links in payloads, e.g. https://vigil.example.com
  std::vector<Receiver> receivers;
  std::optional<Route> route;  // none: nothing is notified

  const Receiver* FindReceiver(const std::string& name) const;
};

}  // namespace vigil::alerting
