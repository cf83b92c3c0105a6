#include "collector/sla/sla_engine.h"
#include "common/clock.h"

#include <date/date.h>
#include <date/iso_week.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/csv.h"
#include "common/time_format.h"

namespace vigil::collector {
namespace {

using Json = nlohmann::json;
using std::chrono::milliseconds;

// A year and a day: a leap year's report fits.
constexpr std::int64_t kMaxPeriodMs = 366LL * 24 * 3600 * 1000;
constexpr std::size_t kListPage = 1000;

Json Time(const std::optional<TimePoint>& t) {
  return t ? Json(FormatRfc3339(ToUnixMillis(*t))) : Json(nullptr);
}
Json Met(const std::optional<bool>& met) { return met ? Json(*met) : Json(nullptr); }

// Whole seconds print as integers; imports with milliseconds keep them.
Json Seconds(std::int64_t ms) {
  if (ms % 1000 == 0) return Json(ms / 1000);
  return Json(static_cast<double>(ms) / 1000.0);
}
Json Seconds(milliseconds ms) { return Seconds(ms.count()); }

bool IsDone(const std::string& status) { return status == "resolved" || status == "closed"; }

const std::set<std::string> kNoPauses;

// Mean and nearest-rank p50 and p90 of `values`; nulls when there are none.
Json Statistics(std::vector<std::int64_t> values) {
  if (values.empty()) return {{"mean", nullptr}, {"p50", nullptr}, {"p90", nullptr}};
  std::sort(values.begin(), values.end());
  const auto rank = [&](double p) {
    const auto index = static_cast<std::size_t>(std::ceil(p * static_cast<double>(values.size())));
    return values[std::max<std::size_t>(index, 1) - 1];
  };
  double sum = 0;
  for (std::int64_t v : values) sum += static_cast<double>(v);
  return {{"mean", sum / static_cast<double>(values.size()) / 1000.0},
          {"p50", Seconds(rank(0.5))},
          {"p90", Seconds(rank(0.9))}};
}

Json Ratio(int met, int decided) {
  if (decided == 0) return nullptr;
  return static_cast<double>(met) / static_cast<double>(decided);
}

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

Json SummaryOf(const std::vector<const SlaItem*>& items) {
  std::vector<std::int64_t> tta_business, ttr_business, tta_wall, ttr_wall;
  int open = 0, response_met = 0, response_decided = 0, resolution_met = 0, resolution_decided = 0,
      breaches = 0, ratings = 0;
  double rating_sum = 0;
  for (const SlaItem* item : items) {
    if (!item->resolved) ++open;
    if (item->responded) {
      tta_wall.push_back(item->response_wall_ms);
      if (item->response_business_ms) tta_business.push_back(*item->response_business_ms);
    }
    if (item->resolved) {
      ttr_wall.push_back(item->resolution_wall_ms);
      if (item->resolution_business_ms) ttr_business.push_back(*item->resolution_business_ms);
    }
    if (item->response_met) {
      ++response_decided;
      if (*item->response_met)
        ++response_met;
      else
        ++breaches;
    }
    if (item->resolution_met) {
      ++resolution_decided;
      if (*item->resolution_met)
        ++resolution_met;
      else
        ++breaches;
    }
    if (item->satisfaction) {
      ++ratings;
      rating_sum += *item->satisfaction;
    }
  }
  return {{"kind", items.front()->kind},
          {"severity", items.front()->severity},
          {"count", items.size()},
          {"open", open},
          {"mtta_business_seconds", Statistics(tta_business)},
          {"mttr_business_seconds", Statistics(ttr_business)},
          {"mtta_wall_seconds", Statistics(tta_wall)},
          {"mttr_wall_seconds", Statistics(ttr_wall)},
          {"response_on_time_ratio", Ratio(response_met, response_decided)},
          {"resolution_on_time_ratio", Ratio(resolution_met, resolution_decided)},
          {"breaches", breaches},
          {"satisfaction_mean", ratings ? Json(rating_sum / ratings) : Json(nullptr)},
          {"satisfaction_count", ratings}};
}

// The item's figures in the report's shape; `sla` is absent when no target covers it.
SlaItem MakeItem(const std::string& type, const std::string& id, const std::string& customer,
                 const std::string& kind, const std::string& severity,
                 const std::optional<std::string>& category, const SlaInputs& inputs,
                 const std::optional<ItemSla>& sla, TimePoint as_of) {
  SlaItem item;
  item.customer = customer;
  item.kind = kind;
  item.severity = severity;
  item.category = category;
  item.opened_ms = ToUnixMillis(inputs.opened);
  item.responded = inputs.responded.has_value();
  item.resolved = inputs.resolved.has_value();
  const TimePoint until = std::max(inputs.opened, as_of);
  item.response_wall_ms = ToUnixMillis(inputs.responded.value_or(until)) - item.opened_ms;
  item.resolution_wall_ms = ToUnixMillis(inputs.resolved.value_or(until)) - item.opened_ms;
  Json& json = item.json;
  json = {{"type", type},
          {"id", id},
          {"kind", kind},
          {"severity", severity},
          {"category", category ? Json(*category) : Json(nullptr)},
          {"opened_at", Time(inputs.opened)},
          {"responded_at", Time(inputs.responded)},
          {"resolved_at", Time(inputs.resolved)},
          {"response_target_seconds", nullptr},
          {"resolution_target_seconds", nullptr},
          {"response_due", nullptr},
          {"resolution_due", nullptr},
          {"paused_seconds", 0},
          {"response_business_seconds", nullptr},
          {"resolution_business_seconds", nullptr},
          {"response_wall_seconds", Seconds(item.response_wall_ms)},
          {"resolution_wall_seconds", Seconds(item.resolution_wall_ms)},
          {"response_met", nullptr},
          {"resolution_met", nullptr}};
  if (!sla) return item;
  const SlaFigures& f = sla->figures;
  item.response_business_ms = f.response_business.count();
  item.resolution_business_ms = f.resolution_business.count();
  item.response_met = f.response_met;
  item.resolution_met = f.resolution_met;
  json["response_target_seconds"] = Seconds(sla->target->response);
  json["resolution_target_seconds"] = Seconds(sla->target->resolution);
  json["response_due"] = Time(f.response_due);
  json["resolution_due"] = Time(f.resolution_due);
  json["paused_seconds"] = Seconds(f.paused);
  json["response_business_seconds"] = Seconds(f.response_business);
  json["resolution_business_seconds"] = Seconds(f.resolution_business);
  json["response_met"] = Met(f.response_met);
  json["resolution_met"] = Met(f.resolution_met);
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

std::string CsvField(const Json& value) {
  if (value.is_null()) return "";
  return CsvCell(value.is_string() ? value.get<std::string>() : value.dump());
}

constexpr const char* kCsvColumns[] = {"type",
                                       "id",
                                       "kind",
                                       "severity",
                                       "category",
                                       "opened_at",
                                       "responded_at",
                                       "resolved_at",
                                       "response_target_seconds",
                                       "resolution_target_seconds",
                                       "response_due",
                                       "resolution_due",
                                       "paused_seconds",
                                       "response_business_seconds",
                                       "resolution_business_seconds",
                                       "response_wall_seconds",
                                       "resolution_wall_seconds",
                                       "response_met",
                                       "resolution_met"};

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

Json SlaEngine::ReportBlock(const FaultReportRecord& report) const {
  std::shared_ptr<const SlaSetup> keep;
  auto sla = ForReport(report, clock_.Now(), keep);
  if (!sla) return nullptr;
  return {{"response_due", Time(sla->figures.response_due)},
          {"resolution_due", Time(sla->figures.resolution_due)},
          {"response_met", Met(sla->figures.response_met)},
          {"resolution_met", Met(sla->figures.resolution_met)},
          {"paused", sla->figures.paused_now}};
}

Json SlaEngine::Policies() const {
  const std::shared_ptr<const SlaSetup> held = setup();
  Json policies = Json::array();
  for (const SlaPolicy& policy : held->policies) {
    Json targets = Json::array();
    for (const SlaTarget& target : policy.targets) {
      targets.push_back(
          {{"kind", target.kind},
           {"severity", target.severity.empty() ? Json(nullptr) : Json(target.severity)},
           {"response_seconds", Seconds(target.response)},
           {"resolution_seconds", Seconds(target.resolution)},
           {"calendar", target.calendar_name}});
    }
    policies.push_back({{"customer", policy.customer},
                        {"calendar", policy.calendar_name},
                        {"pause_statuses", policy.pause_statuses},
                        {"at_risk", policy.at_risk},
                        {"targets", std::move(targets)}});
  }
  return policies;
}

Result<Json> SlaEngine::Overview(TimePoint now) const {
  const auto open_item = [](const std::string& type, const std::string& id,
                            const std::string& customer, const std::string& kind,
                            const std::string& severity, const ItemSla& sla) {
    const SlaFigures& f = sla.figures;
    return Json{{"type", type},
                {"id", id},
                {"customer", customer},
                {"kind", kind},
                {"severity", severity},
                {"response_due", Time(f.response_due)},
                {"resolution_due", Time(f.resolution_due)},
                {"response_met", Met(f.response_met)},
                {"resolution_met", Met(f.resolution_met)},
                {"response_used", f.response_used},
                {"resolution_used", f.resolution_used},
                {"paused", f.paused_now}};
  };
  Json items = Json::array();
  auto incidents = store_.incidents().OpenIncidents();
  if (!incidents) return incidents.error();
  for (const IncidentRecord& incident : *incidents) {
    std::shared_ptr<const SlaSetup> keep;
    if (auto figures = ForIncident(incident, now, keep)) {
      items.push_back(open_item("incident", incident.id, incident.customer, "incident",
                                incident.severity, *figures));
    }
  }
  auto reports = store_.fault_reports().OpenFaultReports();
  if (!reports) return reports.error();
  for (const FaultReportRecord& report : *reports) {
    std::shared_ptr<const SlaSetup> keep;
    if (auto figures = ForReport(report, now, keep)) {
      items.push_back(open_item("fault_report", report.id, report.customer, report.kind,
                                report.severity, *figures));
    }
  }
  std::stable_sort(items.begin(), items.end(), [](const Json& a, const Json& b) {
    // Held (paused) items have no due and go last.
    const Json& da = a["resolution_due"];
    const Json& db = b["resolution_due"];
    if (da.is_null() != db.is_null()) return db.is_null();
    return !da.is_null() && da.get<std::string>() < db.get<std::string>();
  });
  return Json{{"policies", Policies()}, {"open_items", std::move(items)}};
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
      items.push_back(MakeItem("incident", incident.id, incident.customer, "incident",
                               incident.severity, IncidentCategory(incident),
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
          "fault_report", report.id, report.customer, report.kind, report.severity,
          report.category.empty() ? std::nullopt : std::optional<std::string>(report.category),
          inputs, sla, as_of);
      item.satisfaction = report.satisfaction_score;
      items.push_back(std::move(item));
    }
    before = page->next;
  } while (before);

  std::sort(items.begin(), items.end(), [](const SlaItem& a, const SlaItem& b) {
    if (a.opened_ms != b.opened_ms) return a.opened_ms < b.opened_ms;
    return a.json["id"].get<std::string>() < b.json["id"].get<std::string>();
  });
  return items;
}

Result<Json> SlaEngine::Report(const std::string& customer, std::int64_t from_ms,
                               std::int64_t to_ms) const {
  if (to_ms <= from_ms) return MakeError(ErrorCode::kBadRequest, "to: must be after from");
  if (to_ms - from_ms > kMaxPeriodMs) {
    return MakeError(ErrorCode::kBadRequest, "to: a report covers at most 366 days");
  }
  const TimePoint now = clock_.Now();
  auto listed = Items(customer, from_ms, to_ms, std::min(FromUnixMillis(to_ms), now));
  if (!listed) return listed.error();
  const std::vector<SlaItem>& items = *listed;

  std::map<std::pair<std::string, std::string>, std::vector<const SlaItem*>> groups;
  std::map<std::optional<std::string>, int> by_category;
  std::map<std::pair<std::string, std::optional<std::string>>, int> trend;
  Json out_items = Json::array();
  for (const SlaItem& item : items) {
    groups[{item.kind, item.severity}].push_back(&item);
    ++by_category[item.category];
    ++trend[{IsoWeek(item.opened_ms), item.category}];
    out_items.push_back(item.json);
  }
  const auto category_json = [](const std::optional<std::string>& category) {
    return category ? Json(*category) : Json(nullptr);
  };
  Json summary = Json::array();
  for (const auto& [key, members] : groups) summary.push_back(SummaryOf(members));
  Json categories = Json::array();
  for (const auto& [category, count] : by_category) {
    categories.push_back({{"category", category_json(category)}, {"count", count}});
  }
  Json weeks = Json::array();
  for (const auto& [key, count] : trend) {
    weeks.push_back(
        {{"week", key.first}, {"category", category_json(key.second)}, {"count", count}});
  }
  return Json{{"customer", customer},
              {"from", FormatRfc3339(from_ms)},
              {"to", FormatRfc3339(to_ms)},
              {"generated_at", Time(now)},
              {"items", std::move(out_items)},
              {"summary", std::move(summary)},
              {"by_category", std::move(categories)},
              {"trend", std::move(weeks)}};
}

std::string SlaEngine::ReportCsv(const Json& report) {
  std::string csv;
  for (const char* column : kCsvColumns) {
    if (!csv.empty()) csv += ',';
    csv += column;
  }
  csv += "\r\n";
  for (const Json& item : report.at("items")) {
    bool first = true;
    for (const char* column : kCsvColumns) {
      if (!first) csv += ',';
      first = false;
      csv += CsvField(item.at(column));
    }
    csv += "\r\n";
  }
  return csv;
}

}  // namespace vigil::collector
