// Measures how long a page takes on loopback: from a batch whose sample crosses a rule's
// threshold arriving at the collector (AlertingService::BatchApplied) to the webhook receiver
// reading the notification. The path is the real one: rule evaluation, the incident and its
// outbox row committed durably (SQLite WAL, synchronous=FULL, on disk), the delivery thread
// woken, libcurl's POST. Prints p50, p99 and max; asserts nothing.
//
// usage: notify_latency [INCIDENTS]   (default 1000)

#include <prometheus/registry.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "alerting/rule_file.h"
#include "collector/service/alerting_service.h"
#include "tests/support/webhook_receiver.h"

int main(int argc, char** argv) {
  const int incidents = argc > 1 ? std::atoi(argv[1]) : 1000;
  const std::string folder =
      (std::filesystem::temp_directory_path() / ("vigil-notify-bench-" + std::to_string(getpid())))
          .string();
  vigil::testing::WebhookReceiver receiver;
  auto store = std::move(vigil::collector::OpenSqliteStore(folder + "/vigil.db")).value();
  prometheus::Registry registry;
  vigil::config::CollectorConfig config;
  auto rules = vigil::alerting::ParseRuleFile("rules: [{name: Crossed, expr: 'x > 0'}]", "bench");
  vigil::alerting::NotifyConfig notify;
  vigil::alerting::Receiver hook;
  hook.name = "hook";
  hook.url = receiver.url();
  hook.signing_keys = {"vigil-bench-signing-key-0001"};
  notify.receivers = {hook};
  notify.route = vigil::alerting::Route{};
  notify.route->receiver = "hook";
  vigil::collector::AlertingService alerting(
      *store, registry, vigil::RealClock(), config,
      vigil::alerting::FileRules{std::move(rules.config.rules), {}}, notify);
  if (!alerting.Start().ok()) return 1;

  std::vector<double> latencies_ms;
  for (int i = 0; i < incidents; ++i) {
    const vigil::collector::AgentKey key{"acme", "agent-" + std::to_string(i)};
    alerting.AgentConnected(key, {key.agent_id, "0.1.0", {}, 0});
    vigil::wire::Batch batch;
    vigil::wire::Snapshot* snapshot = batch.add_snapshots();
    snapshot->set_source("health");
    vigil::wire::MetricFamily* family = snapshot->add_families();
    family->set_name("x");
    family->add_series()->set_value(1);
    const std::size_t before = receiver.requests().size();
    const auto start = std::chrono::steady_clock::now();
    alerting.BatchApplied(key, batch);
    while (receiver.requests().size() == before) std::this_thread::yield();
    const auto arrived = receiver.requests().back().at;
    latencies_ms.push_back(std::chrono::duration<double, std::milli>(arrived - start).count());
  }
  alerting.Stop();
  std::filesystem::remove_all(folder);

  std::sort(latencies_ms.begin(), latencies_ms.end());
  const auto rank = [&](double p) {  // nearest rank
    const std::size_t n = latencies_ms.size();
    const std::size_t r = static_cast<std::size_t>(std::ceil(p * static_cast<double>(n)));
    return latencies_ms[std::min(n, std::max<std::size_t>(1, r)) - 1];
  };
  std::printf(
      "notification latency, crossing sample arrives -> receiver reads the webhook, over "
      "%d incidents (outbox durable, on disk):\n",
      incidents);
  std::printf("  p50 %7.2f ms\n  p99 %7.2f ms (aim: under 25 ms)\n  max %7.2f ms\n", rank(0.5),
              rank(0.99), latencies_ms.back());
  return 0;
}
