// Measures what rules add to applying a batch in the collector: the CPU time of this thread for
// recording the batch (store), applying it to the live state, and evaluating the rules on it, for
// many agents' batches, first without rules and then with them, in the same process. Prints
// figures and the ratio; asserts nothing.
//
// usage: rule_evaluation [AGENTS] [RULES] [ROUNDS] [promql]   (defaults: 10000, 1000, 3)
// With `promql`, the rules are PromQL ones (ratios, averages over cores, forecasts) that the
// PromQL evaluator runs instead of the per-series engine.
// Each round, every agent sends one batch of about 300 node_exporter-like series, 10 s of sample
// time after the last. Rounds after the first are the steady state that the figures report. The
// store lives on /dev/shm when it exists, so that fsync's wait (not CPU, but wall time) does not
// make the run take minutes.

#include <prometheus/registry.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "alerting/rule_file.h"
#include "collector/ingest/live_state.h"
#include "collector/service/alerting_service.h"
#include "collector/store/store.h"

namespace {

using vigil::collector::AgentKey;

double ThreadCpuMicros() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e6 + static_cast<double>(now.tv_nsec) / 1e3;
}

long PeakRssMiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

class BenchClock final : public vigil::Clock {
 public:
  std::chrono::system_clock::time_point Now() const override { return now; }
  std::chrono::steady_clock::time_point Monotonic() const override {
    return std::chrono::steady_clock::time_point(now.time_since_epoch());
  }
  std::chrono::system_clock::time_point now{std::chrono::seconds(1'790'000'000)};
};

void AddSeries(vigil::wire::MetricFamily* family,
               std::vector<std::pair<std::string, std::string>> labels, double value) {
  vigil::wire::Series* series = family->add_series();
  for (auto& [name, text] : labels) {
    vigil::wire::Label* label = series->add_labels();
    label->set_name(name);
    label->set_value(text);
  }
  series->set_value(value);
}

vigil::wire::MetricFamily* Family(vigil::wire::Snapshot& snapshot, const std::string& name,
                                  bool counter) {
  vigil::wire::MetricFamily* family = snapshot.add_families();
  family->set_name(name);
  family->set_help(name);
  family->set_type(counter ? vigil::wire::METRIC_TYPE_COUNTER : vigil::wire::METRIC_TYPE_GAUGE);
  return family;
}

// About 300 series shaped like a node_exporter scrape of a 4-CPU host; counters grow with time.
vigil::wire::Batch MakeBatch(int agent, int round, std::uint64_t sequence) {
  const double t = 10.0 * round;
  const double k = 1.0 + (agent % 97) / 100.0;
  vigil::wire::Batch batch;
  batch.set_sequence(sequence);
  vigil::wire::Snapshot& s = *batch.add_snapshots();
  s.set_source("health");
  s.set_timestamp_ms(1'790'000'000'000LL + static_cast<std::int64_t>(t * 1000));
  auto* cpu = Family(s, "node_cpu_seconds_total", true);
  for (int c = 0; c < 4; ++c) {
    for (const char* mode :
         {"idle", "iowait", "irq", "nice", "softirq", "steal", "system", "user"}) {
      AddSeries(cpu, {{"cpu", std::to_string(c)}, {"mode", mode}},
                t * (mode[0] == 'i' ? 0.8 : 0.03) * k);
    }
  }
  for (const char* name : {"node_load1", "node_load5", "node_load15"}) {
    AddSeries(Family(s, name, false), {}, 0.5 * k);
  }
  for (int m = 0; m < 40; ++m) {
    AddSeries(Family(s, "node_memory_Field" + std::to_string(m) + "_bytes", false), {},
              1e9 * k + m);
  }
  AddSeries(Family(s, "node_memory_MemAvailable_bytes", false), {}, 4e9 * k);
  for (const char* name :
       {"node_filesystem_avail_bytes", "node_filesystem_size_bytes", "node_filesystem_free_bytes",
        "node_filesystem_files", "node_filesystem_files_free", "node_filesystem_readonly"}) {
    auto* family = Family(s, name, false);
    for (const char* mount : {"/", "/boot", "/var", "/home", "/srv"}) {
      AddSeries(family, {{"device", "/dev/sda1"}, {"fstype", "ext4"}, {"mountpoint", mount}},
                5e10 * k);
    }
  }
  for (int n = 0; n < 16; ++n) {
    auto* family = Family(s, "node_network_counter" + std::to_string(n) + "_total", true);
    for (const char* device : {"eth0", "eth1", "lo"})
      AddSeries(family, {{"device", device}}, t * 1000 * k);
  }
  for (int d = 0; d < 17; ++d) {
    auto* family = Family(s, "node_disk_counter" + std::to_string(d) + "_total", true);
    for (const char* device : {"sda", "sdb"}) AddSeries(family, {{"device", device}}, t * 50 * k);
  }
  for (int n = 0; n < 40; ++n) {
    AddSeries(Family(s, "node_netstat_Field" + std::to_string(n), true), {}, t * 7 * k);
  }
  for (int n = 0; n < 20; ++n) {
    AddSeries(Family(s, "node_vmstat_field" + std::to_string(n), true), {}, t * 3 * k);
  }
  return batch;
}

// PromQL rules as people write them for hosts (ratios, averages over cores, joins, forecasts),
// run by the PromQL evaluator; thresholds that almost never hold.
std::string PromqlExpression(int i) {
  switch (i % 5) {
    case 0:
      return "node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes < 0.00" +
             std::to_string(i % 9);
    case 1:
      return "1 - avg without (cpu, mode) (rate(node_cpu_seconds_total{mode=\"idle\"}[1m])) > 1." +
             std::to_string(i % 9);
    case 2:
      return "(1 - node_filesystem_avail_bytes / node_filesystem_size_bytes) * 100 > 10" +
             std::to_string(i % 9);
    case 3:
      return "predict_linear(node_filesystem_avail_bytes[1m], 3600) < -1e1" + std::to_string(i % 9);
    default:
      return "node_load5 / count without (cpu, mode) (node_cpu_seconds_total{mode=\"idle\"}) > 1" +
             std::to_string(i % 9);
  }
}

// `count` rules over the batch's metric names: instant comparisons, rates and *_over_time, with
// label matchers, thresholds that almost never hold (the steady state of a healthy fleet); with
// `promql`, the PromQL rules above instead.
std::string MakeRules(int count, bool promql) {
  std::string out = "rules:\n";
  for (int i = 0; i < count; ++i) {
    std::string expr;
    if (promql) {
      out += "  - {name: Rule" + std::to_string(i) + ", expr: '" + PromqlExpression(i) +
             "', for: 1m, severity: low}\n";
      continue;
    }
    switch (i % 10) {
      case 0: expr = "node_load1 > " + std::to_string(50 + i); break;
      case 1: expr = "node_memory_MemAvailable_bytes < " + std::to_string(1000 + i); break;
      case 2:
        expr = "node_filesystem_avail_bytes{mountpoint=\"/\", fstype!~\"tmpfs|ramfs\"} < " +
               std::to_string(1000 + i);
        break;
      case 3: expr = "node_memory_Field" + std::to_string(i % 40) + "_bytes > 1e15"; break;
      case 4:
        expr = "rate(node_cpu_seconds_total{mode=\"idle\", cpu=\"0\"}[1m]) < 0.0" +
               std::to_string(i % 9);
        break;
      case 5:
        expr = "rate(node_network_counter" + std::to_string(i % 16) +
               "_total{device=\"eth0\"}[1m]) > 1e9";
        break;
      case 6:
        expr = "increase(node_disk_counter" + std::to_string(i % 17) +
               "_total{device=\"sda\"}[1m]) > 1e12";
        break;
      case 7: expr = "avg_over_time(node_load5[1m]) > " + std::to_string(100 + i); break;
      case 8: expr = "node_netstat_Field" + std::to_string(i % 40) + " > 1e15"; break;
      default: expr = "node_load15{role=~\"db|web\"} > " + std::to_string(100 + i); break;
    }
    out +=
        "  - {name: Rule" + std::to_string(i) + ", expr: '" + expr + "', for: 1m, severity: low}\n";
  }
  return out;
}

struct Figures {
  double apply_micros = 0;  // store + live state, per batch
  double rules_micros = 0;  // rule evaluation, per batch
  std::size_t batches = 0;
  std::uint64_t evaluations = 0;
};

Figures Run(int agents, int rounds, std::vector<vigil::alerting::Rule> rules, bool evaluate,
            const std::string& folder) {
  std::filesystem::remove_all(folder);
  auto store = std::move(vigil::collector::OpenSqliteStore(folder + "/vigil.db")).value();
  prometheus::Registry registry;
  BenchClock clock;
  vigil::config::CollectorConfig config;
  vigil::collector::LiveState live({100000, 100000});
  vigil::collector::AlertingService alerting(*store, registry, clock, config,
                                             vigil::alerting::FileRules{std::move(rules), {}});
  if (!alerting.Start().ok()) std::abort();
  Figures figures;
  for (int a = 0; a < agents; ++a) {
    const AgentKey key{"customer" + std::to_string(a % 50), "agent-" + std::to_string(a)};
    (void)store->agents().RecordHello(key.customer, key.agent_id, key.agent_id, "0.1.0", 0,
                                      {{"role", "web"}});
    vigil::collector::AgentIdentity identity{key.agent_id, "0.1.0", {{"role", "web"}}, 0};
    live.AgentConnected(key, identity, 0);
    alerting.AgentConnected(key, identity);
  }
  for (int round = 0; round < rounds; ++round) {
    clock.now += std::chrono::seconds(10);
    for (int a = 0; a < agents; ++a) {
      const AgentKey key{"customer" + std::to_string(a % 50), "agent-" + std::to_string(a)};
      const vigil::wire::Batch batch = MakeBatch(a, round, static_cast<std::uint64_t>(round + 1));
      const double t0 = ThreadCpuMicros();
      (void)store->agents().RecordBatch(key.customer, key.agent_id, batch.sequence(), 0);
      (void)live.ApplyBatch(key, batch, 0);
      const double t1 = ThreadCpuMicros();
      if (evaluate) alerting.BatchApplied(key, batch);
      const double t2 = ThreadCpuMicros();
      if (round == 0) continue;  // the first round fills windows and interns names
      figures.apply_micros += t1 - t0;
      figures.rules_micros += t2 - t1;
      ++figures.batches;
    }
  }
  for (const auto& family : alerting.Collect()) {
    if (family.name == "vigil_rule_evaluations_total") {
      figures.evaluations = static_cast<std::uint64_t>(family.metric[0].counter.value);
    }
  }
  std::filesystem::remove_all(folder);
  return figures;
}

}  // namespace

int main(int argc, char** argv) {
  const int agents = argc > 1 ? std::atoi(argv[1]) : 10000;
  const int rule_count = argc > 2 ? std::atoi(argv[2]) : 1000;
  const int rounds = argc > 3 ? std::atoi(argv[3]) : 3;
  const bool promql = argc > 4 && std::string(argv[4]) == "promql";
  const std::string base = std::filesystem::exists("/dev/shm") ? "/dev/shm" : "/tmp";
  const std::string folder = base + "/vigil-rule-bench-" + std::to_string(getpid());

  auto loaded = vigil::alerting::ParseRuleFile(MakeRules(rule_count, promql), "bench-rules.yaml");
  if (!loaded.ok()) {
    std::fprintf(stderr, "%s\n", vigil::config::FormatDiagnostic(loaded.problems[0]).c_str());
    return 1;
  }
  const vigil::wire::Batch sample = MakeBatch(0, 0, 1);
  int series = 0;
  for (const auto& family : sample.snapshots(0).families()) series += family.series_size();
  std::printf(
      "rule evaluation: %d agents, %d %s rules (+3 built-in), %d rounds, %d series a batch\n",
      agents, rule_count, promql ? "PromQL" : "per-series", rounds, series);
  const Figures baseline = Run(agents, rounds, {}, false, folder);
  const Figures with_rules = Run(agents, rounds, std::move(loaded.config.rules), true, folder);
  const double base_per_batch = baseline.apply_micros / static_cast<double>(baseline.batches);
  const double apply_per_batch = with_rules.apply_micros / static_cast<double>(with_rules.batches);
  const double rules_per_batch = with_rules.rules_micros / static_cast<double>(with_rules.batches);
  std::printf("  apply a batch without rules:   %8.1f us CPU\n", base_per_batch);
  std::printf("  apply a batch (rules run):     %8.1f us CPU\n", apply_per_batch);
  std::printf("  evaluate the rules on it:      %8.1f us CPU (%.0f series evaluations a batch)\n",
              rules_per_batch,
              static_cast<double>(with_rules.evaluations) / static_cast<double>(rounds * agents));
  std::printf("  rules add %.1f%% to applying a batch (aim: under 20%%)\n",
              100.0 * rules_per_batch / base_per_batch);
  std::printf("  peak RSS of the process: %ld MiB\n", PeakRssMiB());
  return 0;
}
