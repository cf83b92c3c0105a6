#pragma once
// The SLA's figures as Prometheus metrics, computed from the store at each scrape
// (docs/sla.md, "Metrics"):
//
//   vigil_fault_reports_open{customer,kind,severity,status}
//   vigil_sla_on_time_ratio{customer,kind,severity,target}        the current calendar month (UTC)
//   vigil_sla_breaches_total{customer,kind,severity,target}       breaches the collector marked
//   vigil_sla_response_business_seconds{customer,kind,severity}   histogram, the current month
//   vigil_sla_resolution_business_seconds{customer,kind,severity} histogram, the current month
//   vigil_customer_satisfaction_score{customer}                    ratings given this month
//   vigil_sla_items_at_risk{customer,kind,severity,target}         open, past at_risk, not breached
//
// The month's histograms start over on the 1st, which rate() and increase() read as a counter
// reset.

#include <prometheus/collectable.h>

#include "collector/sla/sla_engine.h"
#include "collector/sla/sla_watch.h"
#include "collector/store/store.h"
#include "common/clock.h"

namespace vigil::collector {

class SlaMetrics final : public prometheus::Collectable {
 public:
  // `watch` (may be null) gives the items at risk as of its last check.
  SlaMetrics(Store& store, const SlaEngine& engine, const Clock& clock,
             const SlaWatch* watch = nullptr);
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  Store& store_;
  const SlaEngine& engine_;
  const Clock& clock_;
  const SlaWatch* watch_;
};

// 00:00 UTC on the first of `now`'s month.
TimePoint MonthStart(TimePoint now);

}  // namespace vigil::collector
