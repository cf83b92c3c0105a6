#include "collector/reports/fault_report_book.h"

#include <algorithm>
#include <map>

#include "collector/store/token.h"
#include "common/identity.h"
#include "common/severity.h"

namespace vigil::collector {
namespace {

constexpr std::size_t kMaxTextBytes = 16 << 10;

const std::map<std::string, std::vector<std::string>> kTransitions = {
    {"new", {"assigned", "in_progress", "resolved"}},
    {"assigned", {"in_progress", "pending_customer", "resolved"}},
    {"in_progress", {"pending_customer", "resolved"}},
    {"pending_customer", {"in_progress", "resolved"}},
    {"resolved", {"closed", "in_progress"}},
    {"closed", {"in_progress"}},
};

bool OneOf(const std::string& value, std::initializer_list<const char*> allowed) {
  return std::any_of(allowed.begin(), allowed.end(), [&](const char* a) { return value == a; });
}

}  // namespace

bool TransitionAllowed(const std::string& from, const std::string& to) {
  auto it = kTransitions.find(from);
  return it != kTransitions.end() &&
         std::find(it->second.begin(), it->second.end(), to) != it->second.end();
}

bool IsReportStatus(const std::string& status) { return kTransitions.count(status) > 0; }

FaultReportBook::FaultReportBook(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

Result<FaultReportRecord> FaultReportBook::Load(const std::string& id) {
  auto found = store_.fault_reports().GetFaultReport(id);
  if (!found) return found.error();
  if (!found->has_value()) return MakeError(ErrorCode::kNotFound, "no fault report with id " + id);
  return std::move(**found);
}

Result<FaultReportRecord> FaultReportBook::Get(const std::string& id) {
  std::lock_guard lock(mutex_);
  return Load(id);
}

Result<std::int64_t> FaultReportBook::ChangeTime(const FaultReportRecord& report,
                                                 std::optional<std::int64_t> at_ms) const {
  const std::int64_t now = ToUnixMillis(clock_.Now());
  if (!at_ms) return std::max(now, report.updated_ms);
  if (*at_ms > now) return MakeError(ErrorCode::kInvalidTime, "at: is in the future");
  if (*at_ms < report.updated_ms) {
    return MakeError(ErrorCode::kInvalidTime,
                     "at: is before the report's last recorded change; import history in order");
  }
  return *at_ms;
}

Status FaultReportBook::Apply(
    const ReportFields& fields, FaultReportRecord& report,
    std::map<std::string, std::pair<std::string, std::string>>& changes) const {
  const auto set = [&](const char* name, const std::optional<std::string>& value,
                       std::string& field) -> Status {
    if (!value) return OkStatus();
    if (value->size() > kMaxTextBytes) {
      return MakeError(ErrorCode::kBadRequest, std::string(name) + ": at most 16 KiB");
    }
    if (*value != field) changes[name] = {field, *value};
    field = *value;
    return OkStatus();
  };
  if (fields.kind && !OneOf(*fields.kind, {"fault", "consultation", "complaint"})) {
    return MakeError(ErrorCode::kBadRequest, "kind: expected fault, consultation or complaint");
  }
  if (fields.severity && !ParseSeverity(*fields.severity)) {
    return MakeError(ErrorCode::kBadRequest, "severity: expected critical, high, medium or low");
  }
  if (fields.channel &&
      !OneOf(*fields.channel, {"monitoring", "phone", "email", "web", "onsite"})) {
    return MakeError(ErrorCode::kBadRequest,
                     "channel: expected monitoring, phone, email, web or onsite");
  }
  if (fields.category && fields.category->size() > 64) {
    return MakeError(ErrorCode::kBadRequest, "category: at most 64 bytes");
  }
  for (auto [name, value, field] : std::initializer_list<
           std::tuple<const char*, const std::optional<std::string>*, std::string*>>{
           {"kind", &fields.kind, &report.kind},
           {"title", &fields.title, &report.title},
           {"symptom", &fields.symptom, &report.symptom},
           {"category", &fields.category, &report.category},
           {"severity", &fields.severity, &report.severity},
           {"channel", &fields.channel, &report.channel},
           {"reporter.name", &fields.reporter_name, &report.reporter_name},
           {"reporter.contact", &fields.reporter_contact, &report.reporter_contact},
           {"assignee.team", &fields.assignee_team, &report.assignee_team},
           {"assignee.person", &fields.assignee_person, &report.assignee_person},
           {"root_cause", &fields.root_cause, &report.root_cause},
           {"resolution", &fields.resolution, &report.resolution},
           {"prevention", &fields.prevention, &report.prevention}}) {
    if (Status done = set(name, *value, *field); !done) return done;
  }
  return OkStatus();
}

Result<FaultReportRecord> FaultReportBook::Create(const ReportFields& fields,
                                                  const std::optional<std::string>& from_incident,
                                                  const std::string& actor,
                                                  std::optional<std::int64_t> at_ms) {
  const std::int64_t now = ToUnixMillis(clock_.Now());
  if (at_ms && *at_ms > now) return MakeError(ErrorCode::kInvalidTime, "at: is in the future");
  FaultReportRecord report;
  if (from_incident) {
    auto incident = store_.incidents().GetIncident(*from_incident);
    if (!incident) return incident.error();
    if (!incident->has_value()) {
      return MakeError(ErrorCode::kBadRequest,
                       "from_incident: no incident with id " + *from_incident);
    }
    const IncidentRecord& source = **incident;
    report.customer = source.customer;
    report.severity = source.severity;
    report.occurred_ms = source.started_ms;
    report.symptom = source.summary;
    report.title = source.summary;
    report.channel = "monitoring";
    report.incidents = {source.id};
  }
  std::map<std::string, std::pair<std::string, std::string>> changes;
  if (fields.customer) report.customer = *fields.customer;
  if (Status applied = Apply(fields, report, changes); !applied) return applied.error();
  if (!IsSimpleName(report.customer, 64)) {
    return MakeError(ErrorCode::kBadRequest,
                     "customer: required (or from_incident), 1 to 64 letters, "
                     "digits, '.', '_' or '-'");
  }
  if (report.title.empty()) return MakeError(ErrorCode::kBadRequest, "title: required");
  report.reported_ms = at_ms.value_or(now);
  if (fields.occurred_ms) report.occurred_ms = *fields.occurred_ms;
  if (report.occurred_ms == 0) report.occurred_ms = report.reported_ms;
  if (report.occurred_ms > report.reported_ms) {
    return MakeError(ErrorCode::kInvalidTime, "occurred_at: is after the report was made");
  }
  report.id = "fr-" + GenerateTokenId();
  report.updated_ms = report.reported_ms;
  report.history.push_back({report.reported_ms, "", "new", actor, "reported", {}});
  std::lock_guard lock(mutex_);
  if (Status stored = store_.fault_reports().CreateFaultReport(report); !stored)
    return stored.error();
  return report;
}

Result<FaultReportRecord> FaultReportBook::Edit(const std::string& id, const ReportFields& fields,
                                                const std::string& actor,
                                                std::optional<std::int64_t> at_ms) {
  if (fields.customer || fields.kind || fields.channel || fields.reporter_name ||
      fields.reporter_contact || fields.occurred_ms) {
    return MakeError(ErrorCode::kBadRequest,
                     "an edit may change title, symptom, category, severity, "
                     "assignee, root_cause, resolution and prevention");
  }
  std::lock_guard lock(mutex_);
  auto report = Load(id);
  if (!report) return report;
  auto at = ChangeTime(*report, at_ms);
  if (!at) return at.error();
  std::map<std::string, std::pair<std::string, std::string>> changes;
  if (Status applied = Apply(fields, *report, changes); !applied) return applied.error();
  if (report->title.empty()) return MakeError(ErrorCode::kBadRequest, "title: must not be empty");
  if (changes.empty()) return report;
  report->updated_ms = *at;
  const ReportHistoryEntry entry{*at, "", "", actor, "", std::move(changes)};
  if (Status stored = store_.fault_reports().UpdateFaultReport(*report, {entry}); !stored)
    return stored.error();
  report->history.push_back(entry);
  return report;
}

Result<FaultReportRecord> FaultReportBook::Transition(const std::string& id, const std::string& to,
                                                      const ReportFields& fields,
                                                      const std::string& note,
                                                      const std::string& actor,
                                                      std::optional<std::int64_t> at_ms) {
  if (!IsReportStatus(to)) {
    return MakeError(ErrorCode::kBadRequest,
                     "to: expected new, assigned, in_progress, pending_customer, "
                     "resolved or closed");
  }
  if (note.size() > kMaxTextBytes) return MakeError(ErrorCode::kBadRequest, "note: at most 16 KiB");
  std::lock_guard lock(mutex_);
  auto report = Load(id);
  if (!report) return report;
  const std::string from = report->status;
  if (!TransitionAllowed(from, to)) {
    return MakeError(ErrorCode::kConflict, "a fault report cannot go from " + from + " to " + to);
  }
  auto at = ChangeTime(*report, at_ms);
  if (!at) return at.error();
  std::map<std::string, std::pair<std::string, std::string>> changes;
  if (Status applied = Apply(fields, *report, changes); !applied) return applied.error();
  if (to == "closed" && (report->root_cause.empty() || report->resolution.empty())) {
    return MakeError(ErrorCode::kBadRequest,
                     "closing needs root_cause and resolution (given now or before)");
  }
  report->status = to;
  if (!report->first_response_ms && OneOf(to, {"in_progress", "pending_customer", "resolved"})) {
    report->first_response_ms = *at;
  }
  if (to == "resolved") report->resolved_ms = *at;
  if (to == "closed") report->closed_ms = *at;
  if (to == "in_progress" && OneOf(from, {"resolved", "closed"})) {  // a reopen
    report->resolved_ms.reset();
    report->closed_ms.reset();
  }
  report->updated_ms = *at;
  const ReportHistoryEntry entry{*at, from, to, actor, note, std::move(changes)};
  if (Status stored = store_.fault_reports().UpdateFaultReport(*report, {entry}); !stored)
    return stored.error();
  report->history.push_back(entry);
  return report;
}

Result<FaultReportRecord> FaultReportBook::AddNote(const std::string& id, const std::string& text,
                                                   const std::string& actor,
                                                   std::optional<std::int64_t> at_ms) {
  if (text.empty()) return MakeError(ErrorCode::kBadRequest, "text: required, and not empty");
  if (text.size() > kMaxTextBytes) return MakeError(ErrorCode::kBadRequest, "text: at most 16 KiB");
  std::lock_guard lock(mutex_);
  auto report = Load(id);
  if (!report) return report;
  auto at = ChangeTime(*report, at_ms);
  if (!at) return at.error();
  report->updated_ms = *at;
  const ReportHistoryEntry entry{*at, "", "", actor, text, {}};
  if (Status stored = store_.fault_reports().UpdateFaultReport(*report, {entry}); !stored)
    return stored.error();
  report->history.push_back(entry);
  return report;
}

Result<FaultReportRecord> FaultReportBook::Rate(const std::string& id, int score,
                                                const std::string& comment,
                                                const std::string& actor,
                                                std::optional<std::int64_t> at_ms) {
  if (score < 1 || score > 5) return MakeError(ErrorCode::kBadRequest, "score: from 1 to 5");
  if (comment.size() > kMaxTextBytes)
    return MakeError(ErrorCode::kBadRequest, "comment: at most 16 KiB");
  std::lock_guard lock(mutex_);
  auto report = Load(id);
  if (!report) return report;
  if (!OneOf(report->status, {"resolved", "closed"})) {
    return MakeError(ErrorCode::kConflict,
                     "the customer rates a report once it is resolved or closed; "
                     "this one is " +
                         report->status);
  }
  auto at = ChangeTime(*report, at_ms);
  if (!at) return at.error();
  std::map<std::string, std::pair<std::string, std::string>> changes;
  changes["satisfaction"] = {
      report->satisfaction_score ? std::to_string(*report->satisfaction_score) : std::string(),
      std::to_string(score)};
  report->satisfaction_score = score;
  report->satisfaction_comment = comment;
  report->satisfaction_ms = *at;
  report->updated_ms = *at;
  const ReportHistoryEntry entry{*at, "", "", actor, comment, std::move(changes)};
  if (Status stored = store_.fault_reports().UpdateFaultReport(*report, {entry}); !stored)
    return stored.error();
  report->history.push_back(entry);
  return report;
}

}  // namespace vigil::collector
