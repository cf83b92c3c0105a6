#pragma once
// The SLA engine (docs/sla.md): every incident and fault report of a customer with a policy,
// measured against its target — dues, business and wall times, pauses, met or breached — and the
// report per customer and period (JSON and CSV, ../shared/API.md). Reads the store; holds the
// policies (swapped whole on reload). Thread-safe.

#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "collector/sla/sla_clock.h"
#include "collector/sla/sla_policy.h"
#include "collector/store/store.h"
#include "common/clock.h"

namespace vigil::collector {

struct ItemSla {
  const SlaTarget* target = nullptr;  // valid while the policies it came from are held
  double at_risk = 0.8;               // the policy's share
  SlaInputs inputs;
  SlaFigures figures;
};

// One incident or fault report as an SLA report lists it (`json`, ../shared/API.md), with the
// figures its summary and the metrics are made from.
struct SlaItem {
  nlohmann::json json;
  std::string customer;
  std::string kind;  // incident, fault, consultation, complaint
  std::string severity;
  std::optional<std::string> category;
  std::int64_t opened_ms = 0;
  bool responded = false;
  bool resolved = false;
  std::int64_t response_wall_ms = 0;  // to the event, or to as_of while not done
  std::int64_t resolution_wall_ms = 0;
  // Only with a target:
  std::optional<std::int64_t> response_business_ms;
  std::optional<std::int64_t> resolution_business_ms;
  std::optional<bool> response_met;
  std::optional<bool> resolution_met;
  std::optional<int> satisfaction;  // fault reports rated by the customer
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

  // The "sla" block of a fault report in the API: dues, met, paused; null without a target.
  nlohmann::json ReportBlock(const FaultReportRecord& report) const;

  // The policies as configured.
  nlohmann::json Policies() const;
  // GET /api/v1/sla: the policies, and the dues of every open item a target covers, soonest
  // resolution due first.
  Result<nlohmann::json> Overview(TimePoint now) const;

  // GET /api/v1/sla/report: items of `customer` opened in [from, to), figures as of
  // min(to, now). Error "bad_request" when the period is empty or longer than a year.
  Result<nlohmann::json> Report(const std::string& customer, std::int64_t from_ms,
                                std::int64_t to_ms) const;
  // The items (of every customer when `customer` is absent) opened in [from, to), figures as of
  // `as_of`, oldest first.
  Result<std::vector<SlaItem>> Items(const std::optional<std::string>& customer,
                                     std::int64_t from_ms, std::int64_t to_ms,
                                     TimePoint as_of) const;
  // The same items, one CSV row each, header first.
  static std::string ReportCsv(const nlohmann::json& report);

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
