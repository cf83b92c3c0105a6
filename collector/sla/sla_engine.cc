#include "collector/sla/sla_engine.h"
#include "common/clock.h"

#include <date/date.h>
#include <date/iso_week.h>

#include <algorithm>
#include <map>
#include <sstream>

namespace vigil::collector {
namespace {

// A year and a day: a leap year's report fits.
constexpr std::int64_t kMaxPeriodMs = 366LL * 24 * 3600 * 1000;
constexpr std::size_t kListPage = 1000;

bool IsDone(const std::string& status) { return status == "resolved" || status == "closed"; }

const std::set<std::string> kNoPauses;

std::string IsoWeek(std::int64_t ms) {
  const auto day = date::floor<date::days>(FromUnixMillis(ms));
  const iso_week::year_weeknum_weekday week{day};
  std::ostringstream out;
  out << static_cast<int>(week.year()) << "-W";
  const unsigned number = static_cast<unsigned>(week.weeknum());
  if (number < 10) out << '0';
  out << number;
  return out.str();
}

SlaItem MakeItem(SlaItemRef ref, const std::string& customer, const std::string& kind,
                 const std::string& severity, const std::optional<std::string>& category,
                 const SlaInputs& inputs, const std::optional<ItemSla>& sla, TimePoint as_of) {
  SlaItem item;
  item.ref = std::move(ref);
  item.customer = customer;
  item.kind = kind;
  item.severity = severity;
  item.category = category;
  item.opened = inputs.opened;
  item.responded = inputs.responded;
  item.resolved = inputs.resolved;
  const TimePoint until = std::max(inputs.opened, as_of);
  item.response_wall = std::chrono::duration_cast<std::chrono::milliseconds>(
      inputs.responded.value_or(until) - inputs.opened);
  item.resolution_wall = std::chrono::duration_cast<std::chrono::milliseconds>(
      inputs.resolved.value_or(until) - inputs.opened);
  if (sla)
    item.sla = SlaTargetFigures{sla->target->response, sla->target->resolution, sla->figures};
  return item;
}

SlaInputs IncidentInputs(const IncidentRecord& incident) {
  SlaInputs inputs;
  inputs.opened = FromUnixMillis(incident.started_ms);
  if (incident.acknowledged_ms) inputs.responded = FromUnixMillis(*incident.acknowledged_ms);
  if (incident.resolved_ms) {
    inputs.resolved = FromUnixMillis(*incident.resolved_ms);
    // Resolved without an acknowledgement: the resolution answered it.
    if (!inputs.responded) inputs.responded = inputs.resolved;
  }
  return inputs;
}

SlaInputs ReportInputs(const FaultReportRecord& report, const std::set<std::string>& pauses) {
  SlaInputs inputs;
  inputs.opened = FromUnixMillis(report.reported_ms);
  if (report.first_response_ms) inputs.responded = FromUnixMillis(*report.first_response_ms);
  if (report.resolved_ms && IsDone(report.status))
    inputs.resolved = FromUnixMillis(*report.resolved_ms);
  inputs.paused = SlaEngine::PausedSpans(report, pauses);
  return inputs;
}

std::optional<std::string> IncidentCategory(const IncidentRecord& incident) {
  for (const auto& [name, value] : incident.labels) {
    if (name == "category") return value;
  }
  return std::nullopt;
}

}  // namespace

SlaEngine::SlaEngine(Store& store, const Clock& clock, SlaSetup setup)
    : store_(store), clock_(clock), setup_(std::make_shared<const SlaSetup>(std::move(setup))) {}

void SlaEngine::SetPolicies(SlaSetup setup) {
  auto fresh = std::make_shared<const SlaSetup>(std::move(setup));
  std::lock_guard lock(mutex_);
  setup_ = std::move(fresh);
}

std::shared_ptr<const SlaSetup> SlaEngine::setup() const {
  std::lock_guard lock(mutex_);
  return setup_;
}

std::vector<Span> SlaEngine::PausedSpans(const FaultReportRecord& report,
                                         const std::set<std::string>& pause_statuses) {
  // A span runs from entering a pausing status to leaving it. Resolved and closed pause too, so
  // that a reopen does not charge the time the report was thought done; while the report stays
  // done its clock has stopped anyway.
  const auto pausing = [&](const std::string& status) {
    return IsDone(status) || pause_statuses.count(status) > 0;
  };
  std::vector<Span> spans;
  // optional<TimePoint> here trips g++ 12's maybe-uninitialized; a flag says the same.
  bool paused = false;
  TimePoint start{};
  for (const ReportHistoryEntry& entry : report.history) {
    if (entry.to.empty()) continue;  // a note, an edit or a rating
    const TimePoint at = FromUnixMillis(entry.at_ms);
    if (pausing(entry.to)) {
      if (!paused) start = at;
      paused = true;
    } else if (paused) {
      if (start < at) spans.emplace_back(start, at);
      paused = false;
    }
  }
  if (paused) {
    if (IsDone(report.status)) {
      // Paused (pending the customer, say) up to the resolution.
      if (report.resolved_ms && start < FromUnixMillis(*report.resolved_ms)) {
        spans.emplace_back(start, FromUnixMillis(*report.resolved_ms));
      }
    } else {
      spans.emplace_back(start, TimePoint::max());
    }
  }
  return spans;
}

std::optional<ItemSla> SlaEngine::ForReport(const FaultReportRecord& report, TimePoint as_of,
                                            std::shared_ptr<const SlaSetup>& keep) const {
  keep = setup();
  const SlaPolicy* policy = keep->PolicyFor(report.customer);
  if (!policy) return std::nullopt;
  const SlaTarget* target = policy->TargetFor(report.kind, report.severity);
  if (!target) return std::nullopt;
  ItemSla sla;
  sla.target = target;
  sla.at_risk = policy->at_risk;
  sla.inputs = ReportInputs(report, policy->pause_statuses);
  sla.figures = ComputeSla(sla.inputs, *target, as_of);
  return sla;
}

std::optional<ItemSla> SlaEngine::ForIncident(const IncidentRecord& incident, TimePoint as_of,
                                              std::shared_ptr<const SlaSetup>& keep) const {
  keep = setup();
  const SlaPolicy* policy = keep->PolicyFor(incident.customer);
  if (!policy) return std::nullopt;
  const SlaTarget* target = policy->TargetFor("incident", incident.severity);
  if (!target) return std::nullopt;
  ItemSla sla;
  sla.target = target;
  sla.at_risk = policy->at_risk;
  sla.inputs = IncidentInputs(incident);
  sla.figures = ComputeSla(sla.inputs, *target, as_of);
  return sla;
}

std::optional<SlaFigures> SlaEngine::FiguresFor(const FaultReportRecord& report) const {
  std::shared_ptr<const SlaSetup> keep;
  auto sla = ForReport(report, clock_.Now(), keep);
  if (!sla) return std::nullopt;
  return sla->figures;
}

Result<SlaOverview> SlaEngine::Overview(TimePoint now) const {
  SlaOverview overview;
  overview.setup = setup();
  auto incidents = store_.incidents().OpenIncidents();
  if (!incidents) return incidents.error();
  for (const IncidentRecord& incident : *incidents) {
    std::shared_ptr<const SlaSetup> keep;
    if (auto sla = ForIncident(incident, now, keep)) {
      overview.open_items.push_back({{SlaItemRef::Kind::kIncident, incident.id},
                                     incident.customer,
                                     "incident",
                                     incident.severity,
                                     sla->figures});
    }
  }
  auto reports = store_.fault_reports().OpenFaultReports();
  if (!reports) return reports.error();
  for (const FaultReportRecord& report : *reports) {
    std::shared_ptr<const SlaSetup> keep;
    if (auto sla = ForReport(report, now, keep)) {
      overview.open_items.push_back({{SlaItemRef::Kind::kFaultReport, report.id},
                                     report.customer,
                                     report.kind,
                                     report.severity,
                                     sla->figures});
    }
  }
  std::stable_sort(overview.open_items.begin(), overview.open_items.end(),
                   [](const SlaOpenItem& a, const SlaOpenItem& b) {
                     // Held (paused) items have no due and go last.
                     const auto& da = a.figures.resolution_due;
                     const auto& db = b.figures.resolution_due;
                     if (da.has_value() != db.has_value()) return da.has_value();
                     return da && *da < *db;
                   });
  return overview;
}

Result<std::vector<SlaItem>> SlaEngine::Items(const std::optional<std::string>& customer,
                                              std::int64_t from_ms, std::int64_t to_ms,
                                              TimePoint as_of) const {
  std::shared_ptr<const SlaSetup> keep = setup();
  std::vector<SlaItem> items;

  IncidentFilter incidents;
  incidents.customer = customer;
  incidents.since_ms = from_ms;
  incidents.until_ms = to_ms;
  std::optional<std::int64_t> before;
  do {
    auto page = store_.incidents().ListIncidents(incidents, before, kListPage);
    if (!page) return page.error();
    for (const IncidentRecord& incident : page->items) {
      auto sla = ForIncident(incident, as_of, keep);
      items.push_back(MakeItem({SlaItemRef::Kind::kIncident, incident.id}, incident.customer,
                               "incident", incident.severity, IncidentCategory(incident),
                               IncidentInputs(incident), sla, as_of));
    }
    before = page->next;
  } while (before);

  FaultReportFilter reports;
  reports.customer = customer;
  reports.since_ms = from_ms;
  reports.until_ms = to_ms;
  do {
    auto page = store_.fault_reports().ListFaultReports(reports, before, kListPage);
    if (!page) return page.error();
    for (const FaultReportRecord& report : page->items) {
      const SlaPolicy* policy = keep->PolicyFor(report.customer);
      auto sla = ForReport(report, as_of, keep);
      const SlaInputs inputs = ReportInputs(report, policy ? policy->pause_statuses : kNoPauses);
      SlaItem item = MakeItem(
          {SlaItemRef::Kind::kFaultReport, report.id}, report.customer, report.kind,
          report.severity,
          report.category.empty() ? std::nullopt : std::optional<std::string>(report.category),
          inputs, sla, as_of);
      item.satisfaction = report.satisfaction_score;
      items.push_back(std::move(item));
    }
    before = page->next;
  } while (before);

  std::sort(items.begin(), items.end(), [](const SlaItem& a, const SlaItem& b) {
    if (a.opened != b.opened) return a.opened < b.opened;
    return a.ref.id < b.ref.id;
  });
  return items;
}

Result<SlaReport> SlaEngine::Report(const std::string& customer, std::int64_t from_ms,
                                    std::int64_t to_ms) const {
  if (to_ms <= from_ms) return MakeError(ErrorCode::kBadRequest, "to: must be after from");
  if (to_ms - from_ms > kMaxPeriodMs) {
    return MakeError(ErrorCode::kBadRequest, "to: a report covers at most 366 days");
  }
  const TimePoint now = clock_.Now();
  auto listed = Items(customer, from_ms, to_ms, std::min(FromUnixMillis(to_ms), now));
  if (!listed) return listed.error();
  SlaReport report;
  report.customer = customer;
  report.from_ms = from_ms;
  report.to_ms = to_ms;
  report.generated_at = now;
  report.items = std::move(*listed);

  std::map<std::pair<std::string, std::string>, std::vector<const SlaItem*>> groups;
  std::map<std::optional<std::string>, int> by_category;
  std::map<std::pair<std::string, std::optional<std::string>>, int> trend;
  for (const SlaItem& item : report.items) {
    groups[{item.kind, item.severity}].push_back(&item);
    ++by_category[item.category];
    ++trend[{IsoWeek(ToUnixMillis(item.opened)), item.category}];
  }
  for (const auto& [key, members] : groups) report.summary.push_back(SummarizeSla(members));
  for (const auto& [category, count] : by_category) report.by_category.push_back({category, count});
  for (const auto& [key, count] : trend) report.trend.push_back({key.first, key.second, count});
  return report;
}

}  // namespace vigil::collector
