#include "collector/api/sla_json.h"

#include "collector/views/views.h"

#include "common/csv.h"
#include "common/time_format.h"

namespace vigil::collector {
namespace {

using Json = nlohmann::json;
using std::chrono::milliseconds;

Json Time(const std::optional<TimePoint>& t) {
  return Rfc3339OrNull(t ? std::optional<std::int64_t>(ToUnixMillis(*t)) : std::nullopt);
}
Json Met(const std::optional<bool>& met) { return met ? Json(*met) : Json(nullptr); }
Json Number(const std::optional<double>& value) { return value ? Json(*value) : Json(nullptr); }

// Whole seconds print as integers; imports with milliseconds keep them.
Json Seconds(std::int64_t ms) {
  if (ms % 1000 == 0) return Json(ms / 1000);
  return Json(static_cast<double>(ms) / 1000.0);
}
Json Seconds(milliseconds ms) { return Seconds(ms.count()); }
Json Seconds(const std::optional<milliseconds>& ms) { return ms ? Seconds(*ms) : Json(nullptr); }

Json StatisticsJson(const SlaStatistics& statistics) {
  return {{"mean", statistics.mean_ms ? Json(*statistics.mean_ms / 1000.0) : Json(nullptr)},
          {"p50", Seconds(statistics.p50)},
          {"p90", Seconds(statistics.p90)}};
}

Json SummaryJson(const SlaSummary& summary) {
  return {{"kind", summary.kind},
          {"severity", summary.severity},
          {"count", summary.count},
          {"open", summary.open},
          {"mtta_business_seconds", StatisticsJson(summary.mtta_business)},
          {"mttr_business_seconds", StatisticsJson(summary.mttr_business)},
          {"mtta_wall_seconds", StatisticsJson(summary.mtta_wall)},
          {"mttr_wall_seconds", StatisticsJson(summary.mttr_wall)},
          {"response_on_time_ratio", Number(summary.response_on_time_ratio)},
          {"resolution_on_time_ratio", Number(summary.resolution_on_time_ratio)},
          {"breaches", summary.breaches},
          {"satisfaction_mean", Number(summary.satisfaction_mean)},
          {"satisfaction_count", summary.satisfaction_count}};
}

// The item's figures in the report's shape; the target's members are null without one.
Json ItemJson(const SlaItem& item) {
  Json json = {{"type", SlaItemTypeName(item.ref.kind)},
               {"id", item.ref.id},
               {"kind", item.kind},
               {"severity", item.severity},
               {"category", TextOrNull(item.category)},
               {"opened_at", Time(item.opened)},
               {"responded_at", Time(item.responded)},
               {"resolved_at", Time(item.resolved)},
               {"response_target_seconds", nullptr},
               {"resolution_target_seconds", nullptr},
               {"response_due", nullptr},
               {"resolution_due", nullptr},
               {"paused_seconds", 0},
               {"response_business_seconds", nullptr},
               {"resolution_business_seconds", nullptr},
               {"response_wall_seconds", Seconds(item.response_wall)},
               {"resolution_wall_seconds", Seconds(item.resolution_wall)},
               {"response_met", nullptr},
               {"resolution_met", nullptr}};
  if (!item.sla) return json;
  const SlaFigures& f = item.sla->figures;
  json["response_target_seconds"] = Seconds(item.sla->response_target);
  json["resolution_target_seconds"] = Seconds(item.sla->resolution_target);
  json["response_due"] = Time(f.response_due);
  json["resolution_due"] = Time(f.resolution_due);
  json["paused_seconds"] = Seconds(f.paused);
  json["response_business_seconds"] = Seconds(f.response_business);
  json["resolution_business_seconds"] = Seconds(f.resolution_business);
  json["response_met"] = Met(f.response_met);
  json["resolution_met"] = Met(f.resolution_met);
  return json;
}

Json PoliciesJson(const SlaSetup& setup) {
  Json policies = Json::array();
  for (const SlaPolicy& policy : setup.policies) {
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

Json SlaBlockJson(const std::optional<SlaFigures>& figures) {
  if (!figures) return nullptr;
  return {{"response_due", Time(figures->response_due)},
          {"resolution_due", Time(figures->resolution_due)},
          {"response_met", Met(figures->response_met)},
          {"resolution_met", Met(figures->resolution_met)},
          {"paused", figures->paused_now}};
}

Json SlaOverviewJson(const SlaOverview& overview) {
  Json items = Json::array();
  for (const SlaOpenItem& item : overview.open_items) {
    const SlaFigures& f = item.figures;
    items.push_back({{"type", SlaItemTypeName(item.ref.kind)},
                     {"id", item.ref.id},
                     {"customer", item.customer},
                     {"kind", item.kind},
                     {"severity", item.severity},
                     {"response_due", Time(f.response_due)},
                     {"resolution_due", Time(f.resolution_due)},
                     {"response_met", Met(f.response_met)},
                     {"resolution_met", Met(f.resolution_met)},
                     {"response_used", f.response_used},
                     {"resolution_used", f.resolution_used},
                     {"paused", f.paused_now}});
  }
  return {{"policies", overview.setup ? PoliciesJson(*overview.setup) : Json::array()},
          {"open_items", std::move(items)}};
}

Json SlaReportJson(const SlaReport& report) {
  Json items = Json::array();
  for (const SlaItem& item : report.items) items.push_back(ItemJson(item));
  Json summary = Json::array();
  for (const SlaSummary& group : report.summary) summary.push_back(SummaryJson(group));
  Json categories = Json::array();
  for (const SlaCategoryCount& count : report.by_category) {
    categories.push_back({{"category", TextOrNull(count.category)}, {"count", count.count}});
  }
  Json weeks = Json::array();
  for (const SlaWeekCount& count : report.trend) {
    weeks.push_back(
        {{"week", count.week}, {"category", TextOrNull(count.category)}, {"count", count.count}});
  }
  return {{"customer", report.customer},
          {"from", FormatRfc3339(report.from_ms)},
          {"to", FormatRfc3339(report.to_ms)},
          {"generated_at", Time(report.generated_at)},
          {"items", std::move(items)},
          {"summary", std::move(summary)},
          {"by_category", std::move(categories)},
          {"trend", std::move(weeks)}};
}

std::string SlaReportCsv(const SlaReport& report) {
  std::string csv;
  for (const char* column : kCsvColumns) {
    if (!csv.empty()) csv += ',';
    csv += column;
  }
  csv += "\r\n";
  for (const SlaItem& item : report.items) {
    const Json json = ItemJson(item);
    bool first = true;
    for (const char* column : kCsvColumns) {
      if (!first) csv += ',';
      first = false;
      csv += CsvField(json.at(column));
    }
    csv += "\r\n";
  }
  return csv;
}

}  // namespace vigil::collector
