#include "collector/sla/sla_metrics.h"
#include "common/clock.h"

#include <date/date.h>
#include <prometheus/metric_family.h>

#include <array>
#include <limits>
#include <map>
#include <tuple>

#include "common/log.h"

namespace vigil::collector {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

// From a minute to a week: response targets are minutes to hours, resolution hours to days.
constexpr std::array<double, 11> kBusinessSecondsBuckets = {
    60, 300, 900, 1800, 3600, 7200, 14400, 28800, 86400, 172800, 604800};

ClientMetric Labelled(std::vector<std::pair<const char*, std::string>> labels) {
  ClientMetric metric;
  for (auto& [name, value] : labels) metric.label.push_back({name, std::move(value)});
  return metric;
}

using GroupKey = std::tuple<std::string, std::string, std::string>;  // customer, kind, severity

struct Tally {
  int met = 0;
  int decided = 0;
};

ClientMetric Histogram(const GroupKey& key, const std::vector<std::int64_t>& values_ms) {
  ClientMetric metric = Labelled(
      {{"customer", std::get<0>(key)}, {"kind", std::get<1>(key)}, {"severity", std::get<2>(key)}});
  for (double bound : kBusinessSecondsBuckets) {
    ClientMetric::Bucket bucket;
    bucket.upper_bound = bound;
    for (std::int64_t ms : values_ms) {
      if (static_cast<double>(ms) / 1000.0 <= bound) ++bucket.cumulative_count;
    }
    metric.histogram.bucket.push_back(bucket);
  }
  ClientMetric::Bucket all;
  all.upper_bound = std::numeric_limits<double>::infinity();
  all.cumulative_count = values_ms.size();
  metric.histogram.bucket.push_back(all);
  metric.histogram.sample_count = values_ms.size();
  for (std::int64_t ms : values_ms) metric.histogram.sample_sum += static_cast<double>(ms) / 1000.0;
  return metric;
}

}  // namespace

TimePoint MonthStart(TimePoint now) {
  const date::year_month_day day{date::floor<date::days>(now)};
  return date::sys_days{day.year() / day.month() / 1};
}

SlaMetrics::SlaMetrics(Store& store, const SlaEngine& engine, const Clock& clock,
                       const SlaWatch* watch)
    : store_(store), engine_(engine), clock_(clock), watch_(watch) {}

namespace {

MetricFamily OpenReports(FaultReportStore& reports) {
  MetricFamily open{"vigil_fault_reports_open",
                    "Fault reports not resolved or closed, by status.",
                    MetricType::Gauge,
                    {}};
  auto listed = reports.OpenFaultReports();
  if (!listed) {
    LogWarning("metrics: open fault reports: " + listed.error().message);
    return open;
  }
  std::map<std::tuple<std::string, std::string, std::string, std::string>, int> counts;
  for (const FaultReportRecord& r : *listed) ++counts[{r.customer, r.kind, r.severity, r.status}];
  for (const auto& [key, count] : counts) {
    ClientMetric metric = Labelled({{"customer", std::get<0>(key)},
                                    {"kind", std::get<1>(key)},
                                    {"severity", std::get<2>(key)},
                                    {"status", std::get<3>(key)}});
    metric.gauge.value = count;
    open.metric.push_back(std::move(metric));
  }
  return open;
}

// The on-time ratio and the business-time histograms of the items opened this month.
void AddMonthFigures(const SlaEngine& engine, TimePoint now, std::vector<MetricFamily>& families) {
  MetricFamily ratio{"vigil_sla_on_time_ratio",
                     "Share of decided SLA targets met, of items opened this calendar month (UTC).",
                     MetricType::Gauge,
                     {}};
  MetricFamily response{"vigil_sla_response_business_seconds",
                        "Business time to the first response, of items opened this month.",
                        MetricType::Histogram,
                        {}};
  MetricFamily resolution{"vigil_sla_resolution_business_seconds",
                          "Business time to the resolution, of items opened this month.",
                          MetricType::Histogram,
                          {}};
  if (auto items =
          engine.Items(std::nullopt, ToUnixMillis(MonthStart(now)), ToUnixMillis(now) + 1, now)) {
    std::map<GroupKey, std::array<Tally, 2>> tallies;
    std::map<GroupKey, std::array<std::vector<std::int64_t>, 2>> seconds;
    for (const SlaItem& item : *items) {
      const GroupKey key{item.customer, item.kind, item.severity};
      if (!item.sla) continue;
      const SlaFigures& figures = item.sla->figures;
      const std::optional<bool> met[2] = {figures.response_met, figures.resolution_met};
      for (int target = 0; target < 2; ++target) {
        if (!met[target]) continue;
        ++tallies[key][target].decided;
        tallies[key][target].met += *met[target] ? 1 : 0;
      }
      if (item.responded) seconds[key][0].push_back(figures.response_business.count());
      if (item.resolved) seconds[key][1].push_back(figures.resolution_business.count());
    }
    for (const auto& [key, pair] : tallies) {
      for (int target = 0; target < 2; ++target) {
        if (pair[target].decided == 0) continue;
        ClientMetric metric = Labelled({{"customer", std::get<0>(key)},
                                        {"kind", std::get<1>(key)},
                                        {"severity", std::get<2>(key)},
                                        {"target", target == 0 ? "response" : "resolution"}});
        metric.gauge.value = static_cast<double>(pair[target].met) / pair[target].decided;
        ratio.metric.push_back(std::move(metric));
      }
    }
    for (const auto& [key, pair] : seconds) {
      if (!pair[0].empty()) response.metric.push_back(Histogram(key, pair[0]));
      if (!pair[1].empty()) resolution.metric.push_back(Histogram(key, pair[1]));
    }
  } else {
    LogWarning("metrics: this month's SLA items: " + items.error().message);
  }
  families.push_back(std::move(ratio));
  families.push_back(std::move(response));
  families.push_back(std::move(resolution));
}

MetricFamily Breaches(SlaEventStore& events) {
  MetricFamily breaches{"vigil_sla_breaches_total",
                        "SLA targets breached by open items, as the collector marked them.",
                        MetricType::Counter,
                        {}};
  auto counted = events.CountSlaEvents();
  if (!counted) {
    LogWarning("metrics: SLA breaches: " + counted.error().message);
    return breaches;
  }
  for (const SlaEventCount& event : *counted) {
    const auto split = event.event.find("_breached");
    if (split == std::string::npos) continue;
    ClientMetric metric = Labelled({{"customer", event.customer},
                                    {"kind", event.kind},
                                    {"severity", event.severity},
                                    {"target", event.event.substr(0, split)}});
    metric.counter.value = static_cast<double>(event.count);
    breaches.metric.push_back(std::move(metric));
  }
  return breaches;
}

MetricFamily AtRisk(const SlaWatch* watch) {
  MetricFamily at_risk{
      "vigil_sla_items_at_risk",
      "Open items whose SLA clock has used the policy's at_risk share, not yet breached.",
      MetricType::Gauge,
      {}};
  if (watch == nullptr) return at_risk;
  for (const SlaAtRisk& group : watch->AtRisk()) {
    ClientMetric metric = Labelled({{"customer", group.customer},
                                    {"kind", group.kind},
                                    {"severity", group.severity},
                                    {"target", group.target}});
    metric.gauge.value = group.items;
    at_risk.metric.push_back(std::move(metric));
  }
  return at_risk;
}

MetricFamily Satisfaction(SlaEventStore& events, TimePoint now) {
  MetricFamily satisfaction{"vigil_customer_satisfaction_score",
                            "Mean customer rating (1 to 5) of ratings given this calendar month.",
                            MetricType::Gauge,
                            {}};
  auto ratings = events.SatisfactionSince(ToUnixMillis(MonthStart(now)));
  if (!ratings) {
    LogWarning("metrics: satisfaction: " + ratings.error().message);
    return satisfaction;
  }
  for (const SatisfactionTotal& total : *ratings) {
    if (total.count == 0) continue;
    ClientMetric metric = Labelled({{"customer", total.customer}});
    metric.gauge.value = total.sum / static_cast<double>(total.count);
    satisfaction.metric.push_back(std::move(metric));
  }
  return satisfaction;
}

}  // namespace

std::vector<MetricFamily> SlaMetrics::Collect() const {
  const TimePoint now = clock_.Now();
  std::vector<MetricFamily> families;
  families.push_back(OpenReports(store_.fault_reports()));
  AddMonthFigures(engine_, now, families);
  families.push_back(Breaches(store_.sla_events()));
  families.push_back(AtRisk(watch_));
  families.push_back(Satisfaction(store_.sla_events(), now));
  return families;
}

}  // namespace vigil::collector
