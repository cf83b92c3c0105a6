#include "collector/views/views.h"

#include "common/time_format.h"

namespace vigil::collector {
namespace {

using Json = nlohmann::json;

Json Object(const StringPairs& pairs) {
  Json out = Json::object();
  for (const auto& [name, value] : pairs) out[name] = value;
  return out;
}

}  // namespace

Json Rfc3339OrNull(const std::optional<std::int64_t>& unix_ms) {
  return unix_ms ? Json(FormatRfc3339(*unix_ms)) : Json(nullptr);
}

Json TextOrNull(const std::optional<std::string>& text) {
  return text ? Json(*text) : Json(nullptr);
}

Json IncidentJson(const IncidentRecord& incident, bool with_timeline) {
  Json out = {
      {"id", incident.id},
      {"source", incident.source},
      {"rule", incident.source == "rule" ? Json(incident.rule) : Json(nullptr)},
      {"fingerprint", incident.fingerprint},
      {"state", IncidentStateName(incident.state)},
      {"severity", incident.severity},
      {"customer", incident.customer},
      {"agent", incident.agent.empty() ? Json(nullptr) : Json(incident.agent)},
      {"labels", Object(incident.labels)},
      {"annotations", Object(incident.annotations)},
      {"summary", incident.summary},
      {"value", incident.value ? Json(*incident.value) : Json(nullptr)},
      {"started_at", FormatRfc3339(incident.started_ms)},
      {"acknowledged_at", Rfc3339OrNull(incident.acknowledged_ms)},
      {"resolved_at", Rfc3339OrNull(incident.resolved_ms)},
      {"acknowledged_by", TextOrNull(incident.acknowledged_by)},
      {"resolved_by", TextOrNull(incident.resolved_by)},
      {"silenced", incident.silenced},
      {"previous_id", TextOrNull(incident.previous_id)},
      {"updated_at", FormatRfc3339(incident.updated_ms)},
  };
  if (with_timeline) {
    Json timeline = Json::array();
    for (const TimelineEntry& entry : incident.timeline) {
      timeline.push_back({{"at", FormatRfc3339(entry.at_ms)},
                          {"type", entry.type},
                          {"actor", entry.actor},
                          {"text", entry.text}});
    }
    out["timeline"] = std::move(timeline);
  }
  return out;
}

Json FaultReportJson(const FaultReportRecord& report, Json sla) {
  Json history = Json::array();
  for (const ReportHistoryEntry& entry : report.history) {
    Json changes = Json::object();
    for (const auto& [field, values] : entry.changes) {
      changes[field] = {{"from", values.first}, {"to", values.second}};
    }
    history.push_back({{"at", FormatRfc3339(entry.at_ms)},
                       {"from", entry.from.empty() ? Json(nullptr) : Json(entry.from)},
                       {"to", entry.to.empty() ? Json(nullptr) : Json(entry.to)},
                       {"actor", entry.actor},
                       {"note", entry.note},
                       {"changes", std::move(changes)}});
  }
  Json satisfaction = nullptr;
  if (report.satisfaction_score) {
    satisfaction = {{"score", *report.satisfaction_score},
                    {"comment", report.satisfaction_comment},
                    {"at", Rfc3339OrNull(report.satisfaction_ms)}};
  }
  return {{"id", report.id},
          {"kind", report.kind},
          {"customer", report.customer},
          {"title", report.title},
          {"symptom", report.symptom},
          {"category", report.category},
          {"severity", report.severity},
          {"channel", report.channel},
          {"reporter", {{"name", report.reporter_name}, {"contact", report.reporter_contact}}},
          {"assignee", {{"team", report.assignee_team}, {"person", report.assignee_person}}},
          {"status", report.status},
          {"occurred_at", FormatRfc3339(report.occurred_ms)},
          {"reported_at", FormatRfc3339(report.reported_ms)},
          {"first_response_at", Rfc3339OrNull(report.first_response_ms)},
          {"resolved_at", Rfc3339OrNull(report.resolved_ms)},
          {"closed_at", Rfc3339OrNull(report.closed_ms)},
          {"root_cause", report.root_cause},
          {"resolution", report.resolution},
          {"prevention", report.prevention},
          {"incidents", report.incidents},
          {"satisfaction", std::move(satisfaction)},
          {"updated_at", FormatRfc3339(report.updated_ms)},
          {"history", std::move(history)},
          {"sla", std::move(sla)}};
}

Json SilenceJson(const SilenceState& silence) {
  Json matchers = Json::array();
  for (const SilenceMatcher& m : silence.record.matchers) {
    matchers.push_back({{"name", m.name}, {"op", m.op}, {"value", m.value}});
  }
  return {{"id", silence.record.id},
          {"matchers", std::move(matchers)},
          {"starts_at", FormatRfc3339(silence.record.starts_ms)},
          {"ends_at", FormatRfc3339(silence.record.ends_ms)},
          {"comment", silence.record.comment},
          {"created_by", silence.record.created_by},
          {"created_at", FormatRfc3339(silence.record.created_ms)},
          {"state", silence.state}};
}

Json TokenJson(const TokenRecord& token) {
  Json out = {{"id", token.id},
              {"kind", TokenKindName(token.kind)},
              {"name", token.name},
              {"created_at", FormatRfc3339(token.created_ms)},
              {"revoked_at", Rfc3339OrNull(token.revoked_ms)}};
  if (token.kind == TokenKind::kApi) {
    out["role"] = token.role;
  } else {
    out["customer"] = token.customer;
  }
  return out;
}

Json PageOf(std::vector<Json> items, const PageRequest& page) {
  const std::size_t offset =
      std::min(items.size(), static_cast<std::size_t>(page.cursor.value_or(0)));
  const std::size_t end = std::min(items.size(), offset + page.limit);
  Json out = {{"items", Json::array()}, {"next_cursor", nullptr}};
  for (std::size_t i = offset; i < end; ++i) out["items"].push_back(std::move(items[i]));
  if (end < items.size()) out["next_cursor"] = std::to_string(end);
  return out;
}

}  // namespace vigil::collector
