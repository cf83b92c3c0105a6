#pragma once
// What the SLA engine answers with, as data: each item's figures against its target, the report
// of a customer and period with its summaries, and the overview of open items. No format here:
// the API writes these as JSON and CSV (collector/api/sla_json.h), the metrics as samples, and the
// console and the inspection report will write them their own way.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "collector/sla/sla_clock.h"
#include "collector/sla/sla_policy.h"
#include "collector/store/sla_event_store.h"
#include "common/clock.h"

namespace vigil::collector {

// An item's target and its figures against it.
struct SlaTargetFigures {
  Duration response_target{0};
  Duration resolution_target{0};
  SlaFigures figures;
};

// One incident or fault report as an SLA report lists it.
struct SlaItem {
  SlaItemRef ref;
  std::string customer;
  std::string kind;  // incident, fault, consultation, complaint
  std::string severity;
  std::optional<std::string> category;
  TimePoint opened;
  std::optional<TimePoint> responded;
  std::optional<TimePoint> resolved;
  std::chrono::milliseconds response_wall{0};  // to the event, or to as_of while not done
  std::chrono::milliseconds resolution_wall{0};
  std::optional<SlaTargetFigures> sla;  // nullopt: no policy or no target covers the item
  std::optional<int> satisfaction;      // fault reports rated by the customer
};

// Mean and nearest-rank percentiles of a set of durations; nullopt when the set is empty.
struct SlaStatistics {
  std::optional<double> mean_ms;
  std::optional<std::chrono::milliseconds> p50;
  std::optional<std::chrono::milliseconds> p90;
};

// The items of one (kind, severity).
struct SlaSummary {
  std::string kind;
  std::string severity;
  int count = 0;
  int open = 0;
  SlaStatistics mtta_business;
  SlaStatistics mttr_business;
  SlaStatistics mtta_wall;
  SlaStatistics mttr_wall;
  std::optional<double> response_on_time_ratio;  // nullopt: none decided
  std::optional<double> resolution_on_time_ratio;
  int breaches = 0;
  std::optional<double> satisfaction_mean;
  int satisfaction_count = 0;
};

struct SlaCategoryCount {
  std::optional<std::string> category;
  int count = 0;
};

struct SlaWeekCount {
  std::string week;  // ISO 8601, like 2026-W49
  std::optional<std::string> category;
  int count = 0;
};

// GET /api/v1/sla/report.
struct SlaReport {
  std::string customer;
  std::int64_t from_ms = 0;
  std::int64_t to_ms = 0;
  TimePoint generated_at;
  std::vector<SlaItem> items;       // oldest first
  std::vector<SlaSummary> summary;  // by kind, then severity
  std::vector<SlaCategoryCount> by_category;
  std::vector<SlaWeekCount> trend;  // by week, then category
};

// An open item a target covers, with its figures now.
struct SlaOpenItem {
  SlaItemRef ref;
  std::string customer;
  std::string kind;
  std::string severity;
  SlaFigures figures;
};

// GET /api/v1/sla.
struct SlaOverview {
  std::shared_ptr<const SlaSetup> setup;  // the policies as configured
  std::vector<SlaOpenItem> open_items;    // soonest resolution due first, held ones last
};

// The summary of items that share a kind and a severity.
SlaSummary SummarizeSla(const std::vector<const SlaItem*>& items);

}  // namespace vigil::collector
