#pragma once
// The SLA engine (docs/sla.md): every incident and fault report of a customer with a policy,
// measured against its target — dues, business and wall times, pauses, met or breached — and the
// report per customer and period, as data (collector/sla/sla_report.h). Reads the store; holds
// the policies (swapped whole on reload). Thread-safe.

#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "collector/sla/sla_clock.h"
#include "collector/sla/sla_policy.h"
#include "collector/sla/sla_report.h"
#include "collector/store/store.h"
#include "common/clock.h"

namespace vigil::collector {

struct ItemSla {
  const SlaTarget* target = nullptr;  // valid while the policies it came from are held
  double at_risk = 0.8;               // the policy's share
  SlaInputs inputs;
  SlaFigures figures;
};

class SlaEngine {
 public:
  SlaEngine(Store& store, const Clock& clock, SlaSetup setup);

  void SetPolicies(SlaSetup setup);

  // The figures of one item now (nullopt: no policy or no target covers it). `keep` holds the
  // policies the result points into.
  std::optional<ItemSla> ForReport(const FaultReportRecord& report, TimePoint as_of,
                                   std::shared_ptr<const SlaSetup>& keep) const;
  std::optional<ItemSla> ForIncident(const IncidentRecord& incident, TimePoint as_of,
                                     std::shared_ptr<const SlaSetup>& keep) const;

  // A fault report's figures now; nullopt without a target.
  std::optional<SlaFigures> FiguresFor(const FaultReportRecord& report) const;

  // The policies, and the figures of every open item a target covers.
  Result<SlaOverview> Overview(TimePoint now) const;

  // The items of `customer` opened in [from, to), figures as of min(to, now), with their
  // summaries. kBadRequest when the period is empty or longer than a year.
  Result<SlaReport> Report(const std::string& customer, std::int64_t from_ms,
                           std::int64_t to_ms) const;
  // The items (of every customer when `customer` is absent) opened in [from, to), figures as of
  // `as_of`, oldest first.
  Result<std::vector<SlaItem>> Items(const std::optional<std::string>& customer,
                                     std::int64_t from_ms, std::int64_t to_ms,
                                     TimePoint as_of) const;

  // The spans a fault report's clock is paused: its policy's pause statuses, and resolved spans
  // that a reopen ended.
  static std::vector<Span> PausedSpans(const FaultReportRecord& report,
                                       const std::set<std::string>& pause_statuses);

 private:
  std::shared_ptr<const SlaSetup> setup() const;

  Store& store_;
  const Clock& clock_;
  mutable std::mutex mutex_;
  std::shared_ptr<const SlaSetup> setup_;  // guarded by mutex_
};

}  // namespace vigil::collector
