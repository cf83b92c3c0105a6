// Vigil's PromQL evaluator against Debian's Prometheus, the oracle: the same series, backfilled
// into Prometheus with promtool and held by Vigil in memory, the same expressions at the same
// instants; the result vectors must agree in label sets and values.

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>

#include "alerting/promql/evaluator.h"
#include "alerting/promql/parser.h"
#include "tests/integration/prometheus_server.h"
#include "tests/support/free_port.h"
#include "tests/support/http_client.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/wait.h"

namespace vigil::testing {
namespace {

namespace promql = alerting::promql;
using Json = nlohmann::json;
using Result = std::map<std::string, double>;  // label set as text → value

constexpr std::int64_t kStep = 15;              // seconds between points
constexpr std::int64_t kSpan = 3600;            // seconds of data
constexpr std::int64_t kStart = 1'700'000'040;  // a minute boundary, long enough ago

struct Fixture {
  std::vector<promql::Series> series;

  void Add(alerting::Labels labels, const std::function<double(std::int64_t)>& value,
           std::int64_t until = kSpan) {
    promql::Series s{alerting::Normalized(std::move(labels)), {}};
    for (std::int64_t t = 0; t <= until; t += kStep) {
      s.points.push_back({(kStart + t) * 1000, value(t)});
    }
    series.push_back(std::move(s));
  }

  // OpenMetrics text for promtool: each family's samples together, timestamps in seconds.
  std::string OpenMetrics() const {
    std::string out;
    for (const promql::Series& s : series) {
      std::string labels;
      std::string name;
      for (const alerting::Label& label : s.labels) {
        if (label.name == "__name__") {
          name = label.value;
          continue;
        }
        labels += (labels.empty() ? "" : ",") + label.name + "=\"" + label.value + "\"";
      }
      for (const promql::Point& p : s.points) {
        char value[64];
        std::snprintf(value, sizeof value, "%.17g", p.value);
        out += name + "{" + labels + "} " + value + " " + std::to_string(p.t_ms / 1000) + "\n";
      }
    }
    return out + "# EOF\n";
  }
};

Fixture MakeFixture() {
  Fixture f;
  // A counter at 3/s that restarts at 20 minutes; another at 0.5/s.
  f.Add({{"__name__", "http_requests_total"}, {"instance", "a"}, {"code", "200"}},
        [](std::int64_t t) { return t < 1200 ? 3.0 * t : 3.0 * (t - 1200); });
  f.Add({{"__name__", "http_requests_total"}, {"instance", "b"}, {"code", "500"}},
        [](std::int64_t t) { return 100 + 0.5 * t; });
  f.Add({{"__name__", "node_filesystem_avail_bytes"}, {"instance", "a"}, {"mountpoint", "/"}},
        [](std::int64_t t) { return 1e6 - 150.0 * t; });
  f.Add({{"__name__", "node_filesystem_size_bytes"}, {"instance", "a"}, {"mountpoint", "/"}},
        [](std::int64_t) { return 2e6; });
  f.Add({{"__name__", "node_filesystem_avail_bytes"}, {"instance", "b"}, {"mountpoint", "/data"}},
        [](std::int64_t t) { return 9e5 + (t % 600 < 300 ? 10.0 * t : -7.0 * t); });
  f.Add({{"__name__", "node_filesystem_size_bytes"}, {"instance", "b"}, {"mountpoint", "/data"}},
        [](std::int64_t) { return 1e6; });
  // Idle rates differ per core, so that topk and bottomk have no ties to break.
  double idle = 0.6;
  for (const char* instance : {"a", "b"}) {
    for (const char* cpu : {"0", "1"}) {
      idle += 0.05;
      f.Add({{"__name__", "node_cpu_seconds_total"},
             {"instance", instance},
             {"cpu", cpu},
             {"mode", "idle"}},
            [idle](std::int64_t t) { return idle * t; });
      f.Add({{"__name__", "node_cpu_seconds_total"},
             {"instance", instance},
             {"cpu", cpu},
             {"mode", "user"}},
            [](std::int64_t t) { return 0.25 * t + (t % 120 == 0 ? 3 : 0); });
    }
  }
  f.Add({{"__name__", "node_uname_info"}, {"instance", "a"}, {"nodename", "web-01"}},
        [](std::int64_t) { return 1.0; });
  f.Add({{"__name__", "node_uname_info"}, {"instance", "b"}, {"nodename", "db-01"}},
        [](std::int64_t) { return 1.0; });
  f.Add({{"__name__", "up"}, {"instance", "a"}}, [](std::int64_t) { return 1.0; });
  f.Add({{"__name__", "up"}, {"instance", "b"}},
        [](std::int64_t t) { return t < 2400 ? 1.0 : 0.0; });
  // A series that stops at 30 minutes: gone from instant queries five minutes later.
  f.Add(
      {{"__name__", "flaky_temperature"}, {"instance", "c"}},
      [](std::int64_t t) { return 40 + std::sin(static_cast<double>(t) / 100) * 5; }, 1800);
  // A histogram's cumulative buckets: half the requests under 0.1 s, 80 % under 0.5 s, ...
  f.Add({{"__name__", "latency_seconds_bucket"}, {"le", "0.1"}},
        [](std::int64_t t) { return 0.5 * t; });
  f.Add({{"__name__", "latency_seconds_bucket"}, {"le", "0.5"}},
        [](std::int64_t t) { return 0.8 * t; });
  f.Add({{"__name__", "latency_seconds_bucket"}, {"le", "1"}},
        [](std::int64_t t) { return 0.95 * t; });
  f.Add({{"__name__", "latency_seconds_bucket"}, {"le", "+Inf"}},
        [](std::int64_t t) { return 1.0 * t; });
  return f;
}

// Every construct of issue 20's list, in the forms alert rules use.
const char* const kExpressions[] = {
    "up",
    "up == 0",
    "up{instance=~\"a|b\"} offset 10m",
    "http_requests_total{code!=\"500\"}",
    "rate(http_requests_total[5m])",
    "irate(http_requests_total[1m])",
    "increase(http_requests_total[10m])",
    "increase(http_requests_total[10m] offset 15m)",
    "delta(node_filesystem_avail_bytes[10m])",
    "idelta(node_filesystem_avail_bytes[5m])",
    "deriv(node_filesystem_avail_bytes[30m])",
    "predict_linear(node_filesystem_avail_bytes[1h], 4 * 3600) < 0",
    "changes(up[1h])",
    "resets(http_requests_total[1h])",
    "avg_over_time(flaky_temperature[10m])",
    "min_over_time(node_filesystem_avail_bytes[15m])",
    "max_over_time(node_filesystem_avail_bytes[15m])",
    "sum_over_time(up[5m])",
    "count_over_time(up[5m])",
    "last_over_time(flaky_temperature[1h])",
    "present_over_time(flaky_temperature[10m])",
    "stddev_over_time(flaky_temperature[30m])",
    "stdvar_over_time(flaky_temperature[30m])",
    "quantile_over_time(0.9, flaky_temperature[30m])",
    "absent_over_time(flaky_temperature{instance=\"c\"}[5m])",
    "absent(nonexistent{job=\"x\"})",
    "absent(up)",
    "flaky_temperature",
    "(1 - node_filesystem_avail_bytes / node_filesystem_size_bytes) * 100 > 40",
    "node_filesystem_avail_bytes / on(instance, mountpoint) node_filesystem_size_bytes < bool 0.9",
    "node_filesystem_avail_bytes / ignoring(mountpoint) group_left node_uname_info",
    "node_filesystem_avail_bytes * on(instance) group_left(nodename) node_uname_info",
    "node_uname_info * on(instance) group_right(nodename) node_filesystem_size_bytes",
    "1 - avg by (instance) (rate(node_cpu_seconds_total{mode=\"idle\"}[5m]))",
    "sum without (cpu, mode) (rate(node_cpu_seconds_total[5m]))",
    "sum(rate(node_cpu_seconds_total[5m])) by (mode)",
    "max by (instance) (node_filesystem_avail_bytes)",
    "min(node_filesystem_avail_bytes)",
    "count by (instance) (node_cpu_seconds_total)",
    "stddev(rate(node_cpu_seconds_total[5m]))",
    "stdvar by (mode) (rate(node_cpu_seconds_total[5m]))",
    "topk(2, rate(node_cpu_seconds_total[5m]))",
    "bottomk(1, node_filesystem_avail_bytes)",
    "quantile(0.75, rate(http_requests_total[5m]))",
    "count_values(\"value\", up)",
    "group by (instance) (node_cpu_seconds_total)",
    "up == 1 and on(instance) node_uname_info",
    "up unless on(instance) (up == 0)",
    "up == 0 or absent(up{instance=\"z\"})",
    "abs(delta(node_filesystem_avail_bytes[5m]))",
    "ceil(flaky_temperature)",
    "floor(flaky_temperature)",
    "round(flaky_temperature, 0.5)",
    "clamp(flaky_temperature, 38, 42)",
    "clamp_min(flaky_temperature, 41)",
    "clamp_max(flaky_temperature, 41)",
    "exp(up)",
    "ln(node_filesystem_size_bytes)",
    "log2(node_filesystem_size_bytes)",
    "log10(node_filesystem_size_bytes)",
    "sqrt(node_filesystem_size_bytes)",
    "scalar(up{instance=\"a\"}) * 2",
    "vector(1) + up",
    "time() - timestamp(flaky_temperature)",
    "hour(timestamp(up))",
    "minute(timestamp(up)) + day_of_week(timestamp(up)) + day_of_month(timestamp(up))",
    "days_in_month(timestamp(up)) + month(timestamp(up)) + year(timestamp(up))",
    "label_replace(up, \"host\", \"$1-x\", \"instance\", \"(.*)\")",
    "label_join(node_uname_info, \"id\", \"/\", \"instance\", \"nodename\")",
    "sort_desc(rate(http_requests_total[5m]))",
    "histogram_quantile(0.9, rate(latency_seconds_bucket[5m]))",
    "histogram_quantile(0.5, sum by (le) (rate(latency_seconds_bucket[5m])))",
    "-up + 2 ^ 3 ^ 0.5 % 7",
    "http_requests_total atan2 up",
    "rate(http_requests_total[5m]) > 1 unless on(instance) up == 0",
};

Result ToResult(const promql::Value& value) {
  Result out;
  if (const double* scalar = std::get_if<double>(&value)) {
    out["scalar"] = *scalar;
    return out;
  }
  for (const promql::Sample& sample : std::get<promql::Vector>(value)) {
    std::string key;
    for (const alerting::Label& label : sample.labels) key += label.name + "=" + label.value + ",";
    out[key] = sample.value;
  }
  return out;
}

Result FromPrometheus(const Json& body) {
  Result out;
  const Json& data = body["data"];
  const auto number = [](const Json& v) {
    const std::string text = v.get<std::string>();
    return text == "NaN"    ? NAN
           : text == "+Inf" ? INFINITY
           : text == "-Inf" ? -INFINITY
                            : std::stod(text);
  };
  if (data["resultType"] == "scalar") {
    out["scalar"] = number(data["result"][1]);
    return out;
  }
  for (const Json& series : data["result"]) {
    std::string key;
    for (const auto& [name, value] : series["metric"].items()) {
      key += name + "=" + value.get<std::string>() + ",";
    }
    out[key] = number(series["value"][1]);
  }
  return out;
}

bool Close(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
  if (a == b) return true;
  return std::fabs(a - b) <= 1e-9 * std::max(std::fabs(a), std::fabs(b));
}

TEST(PromqlDifferential, VigilAgreesWithPrometheusOnEveryExpression) {
  const Fixture fixture = MakeFixture();
  TempDir dir;
  const std::string input = dir.Write("input.om", fixture.OpenMetrics());
  auto promtool = Process::Start(
      {"/usr/bin/promtool", "tsdb", "create-blocks-from", "openmetrics", input, dir.File("data")},
      dir.File("promtool.out"), dir.File("promtool.err"));
  ASSERT_EQ(promtool->Wait(std::chrono::seconds(60)), 0) << promtool->Stderr();
  dir.Write("prometheus.yml", "global: {scrape_interval: 1m}\n");
  const std::uint16_t port = FreeLoopbackPort();
  auto prometheus = Process::Start(
      {"/usr/bin/prometheus", "--config.file=" + dir.File("prometheus.yml"),
       "--storage.tsdb.path=" + dir.File("data"), "--storage.tsdb.retention.time=100y",
       "--web.listen-address=127.0.0.1:" + std::to_string(port)},
      dir.File("prometheus.out"), dir.File("prometheus.err"));
  ASSERT_TRUE(
      WaitFor([&] { return HttpGet(port, "/-/ready").status == 200; }, std::chrono::seconds(30)))
      << prometheus->Stderr();

  promql::MemorySeriesSource source;
  for (const promql::Series& series : fixture.series) {
    for (const promql::Point& point : series.points) source.Add(series.labels, point);
  }
  int compared = 0;
  for (std::int64_t offset : {600, 1807, 2100, 2700, 3600}) {
    const std::int64_t at = kStart + offset;
    for (const char* expression : kExpressions) {
      SCOPED_TRACE(std::string(expression) + " at +" + std::to_string(offset) + "s");
      auto parsed = promql::Parse(expression);
      ASSERT_TRUE(std::holds_alternative<promql::NodePtr>(parsed));
      auto ours = promql::Evaluate(*std::get<promql::NodePtr>(parsed), source, at * 1000);
      const Json body = Json::parse(HttpGet(port, "/api/v1/query?query=" + UrlEncode(expression) +
                                                      "&time=" + std::to_string(at))
                                        .body,
                                    nullptr, false);
      ASSERT_TRUE(body.is_object()) << "no answer from Prometheus";
      if (body.value("status", "") != "success") {
        EXPECT_FALSE(ours.ok()) << "Prometheus refused it: " << body.value("error", "");
        continue;
      }
      ASSERT_TRUE(ours.ok()) << ours.error().message;
      const Result theirs = FromPrometheus(body);
      const Result mine = ToResult(*ours);
      EXPECT_EQ(mine.size(), theirs.size());
      for (const auto& [labels, value] : theirs) {
        auto found = mine.find(labels);
        if (found == mine.end()) {
          ADD_FAILURE() << "missing " << labels << " " << value;
          continue;
        }
        EXPECT_TRUE(Close(found->second, value))
            << labels << ": Vigil " << found->second << ", Prometheus " << value;
      }
      ++compared;
    }
  }
  EXPECT_GE(compared, 50 * 5);
}

}  // namespace
}  // namespace vigil::testing
