// The SQLite engine of FaultReportStore, and the history rows other stores append to.

#include <limits>
#include <nlohmann/json.hpp>

#include "collector/store/sqlite/engines.h"

namespace vigil::collector::sqlite_store {
namespace {

using Json = nlohmann::json;

#define VIGIL_REPORT_COLUMNS \
  "seq, id, kind, customer, fields, status, severity, category, reported_ms, updated_ms"

constexpr std::string_view kInsert =
    "INSERT INTO fault_reports (id, kind, customer, fields, status, severity, category,"
    " reported_ms, updated_ms) VALUES (:id, :kind, :customer, :fields, :status, :severity,"
    " :category, :reported_ms, :updated_ms)";
constexpr std::string_view kUpdate =
    "UPDATE fault_reports SET fields = :fields, status = :status, severity = :severity,"
    " category = :category, updated_ms = :updated_ms WHERE id = :id";
constexpr std::string_view kById =
    "SELECT " VIGIL_REPORT_COLUMNS " FROM fault_reports WHERE id = :id";
// Every text filter is optional: '' matches all.
constexpr std::string_view kList =
    "SELECT " VIGIL_REPORT_COLUMNS
    " FROM fault_reports WHERE (:customer = '' OR customer = :customer)"
    " AND (:kind = '' OR kind = :kind) AND (:status = '' OR status = :status)"
    " AND (:severity = '' OR severity = :severity) AND (:category = '' OR category = :category)"
    " AND reported_ms >= :since AND reported_ms < :until AND seq < :before"
    " ORDER BY seq DESC LIMIT :limit";
constexpr std::string_view kOpen =
    "SELECT " VIGIL_REPORT_COLUMNS
    " FROM fault_reports WHERE status NOT IN ('resolved', 'closed') ORDER BY seq";
constexpr std::string_view kLink =
    "INSERT OR IGNORE INTO fault_report_incidents (report_id, incident_id)"
    " VALUES (:report_id, :incident_id)";
constexpr std::string_view kLinks =
    "SELECT incident_id FROM fault_report_incidents WHERE report_id = :report_id"
    " ORDER BY incident_id";
constexpr std::string_view kReportsOfIncident =
    "SELECT report_id FROM fault_report_incidents WHERE incident_id = :incident_id"
    " ORDER BY report_id";
constexpr std::string_view kAddHistory =
    "INSERT INTO fault_report_history (report_id, entry) VALUES (:report_id, :entry)";
constexpr std::string_view kHistory =
    "SELECT entry FROM fault_report_history WHERE report_id = :report_id ORDER BY n";

#undef VIGIL_REPORT_COLUMNS

Json OptionalJson(const std::optional<std::int64_t>& value) {
  return value ? Json(*value) : Json(nullptr);
}

std::optional<std::int64_t> OptionalFrom(const Json& value) {
  if (!value.is_number_integer()) return std::nullopt;
  return value.get<std::int64_t>();
}

// The report's fields beyond the indexed columns, as one JSON document.
std::string FieldsToJson(const FaultReportRecord& r) {
  return Json{{"title", r.title},
              {"symptom", r.symptom},
              {"channel", r.channel},
              {"reporter_name", r.reporter_name},
              {"reporter_contact", r.reporter_contact},
              {"assignee_team", r.assignee_team},
              {"assignee_person", r.assignee_person},
              {"occurred_ms", r.occurred_ms},
              {"first_response_ms", OptionalJson(r.first_response_ms)},
              {"resolved_ms", OptionalJson(r.resolved_ms)},
              {"closed_ms", OptionalJson(r.closed_ms)},
              {"root_cause", r.root_cause},
              {"resolution", r.resolution},
              {"prevention", r.prevention},
              {"satisfaction_score", r.satisfaction_score ? Json(*r.satisfaction_score) : Json()},
              {"satisfaction_comment", r.satisfaction_comment},
              {"satisfaction_ms", OptionalJson(r.satisfaction_ms)}}
      .dump();
}

void FieldsFromJson(const std::string& text, FaultReportRecord& r) {
  const Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return;
  r.title = j.value("title", "");
  r.symptom = j.value("symptom", "");
  r.channel = j.value("channel", "");
  r.reporter_name = j.value("reporter_name", "");
  r.reporter_contact = j.value("reporter_contact", "");
  r.assignee_team = j.value("assignee_team", "");
  r.assignee_person = j.value("assignee_person", "");
  r.occurred_ms = j.value("occurred_ms", std::int64_t{0});
  r.first_response_ms = OptionalFrom(j.value("first_response_ms", Json()));
  r.resolved_ms = OptionalFrom(j.value("resolved_ms", Json()));
  r.closed_ms = OptionalFrom(j.value("closed_ms", Json()));
  r.root_cause = j.value("root_cause", "");
  r.resolution = j.value("resolution", "");
  r.prevention = j.value("prevention", "");
  if (j.contains("satisfaction_score") && j["satisfaction_score"].is_number_integer()) {
    r.satisfaction_score = j["satisfaction_score"].get<int>();
  }
  r.satisfaction_comment = j.value("satisfaction_comment", "");
  r.satisfaction_ms = OptionalFrom(j.value("satisfaction_ms", Json()));
}

std::string HistoryToJson(const ReportHistoryEntry& e) {
  Json changes = Json::object();
  for (const auto& [field, change] : e.changes) changes[field] = {change.first, change.second};
  return Json{{"at_ms", e.at_ms}, {"from", e.from}, {"to", e.to},
              {"actor", e.actor}, {"note", e.note}, {"changes", changes}}
      .dump();
}

ReportHistoryEntry HistoryFromJson(const std::string& text) {
  ReportHistoryEntry e;
  const Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return e;
  e.at_ms = j.value("at_ms", std::int64_t{0});
  e.from = j.value("from", "");
  e.to = j.value("to", "");
  e.actor = j.value("actor", "");
  e.note = j.value("note", "");
  const auto changes = j.find("changes");
  if (changes == j.end() || !changes->is_object()) return e;
  for (const auto& [field, change] : changes->items()) {
    if (change.is_array() && change.size() == 2 && change[0].is_string() && change[1].is_string()) {
      e.changes[field] = {change[0].get<std::string>(), change[1].get<std::string>()};
    }
  }
  return e;
}

FaultReportRecord ReadReport(const sqlite::Statement& row) {
  FaultReportRecord r;
  r.id = row.Text(1);
  r.kind = row.Text(2);
  r.customer = row.Text(3);
  FieldsFromJson(row.Text(4), r);
  r.status = row.Text(5);
  r.severity = row.Text(6);
  r.category = row.Text(7);
  r.reported_ms = row.Int(8);
  r.updated_ms = row.Int(9);
  return r;
}

std::string ReadText(const sqlite::Statement& row) { return row.Text(0); }

auto BindReportId(const std::string& id) {
  return [&id](sqlite::Statement& statement) { statement.Bind(":report_id", id); };
}

Status WriteLinks(Engine& engine, const FaultReportRecord& report) {
  for (const std::string& incident : report.incidents) {
    Status linked = Run(engine, kLink, [&](sqlite::Statement& insert) {
      insert.Bind(":report_id", report.id).Bind(":incident_id", incident);
    });
    if (!linked) return linked;
  }
  return OkStatus();
}

// Adds the history and the incident links to a report read from its row.
Status FillReport(Engine& engine, FaultReportRecord& report) {
  auto history = All<ReportHistoryEntry>(
      engine, kHistory, BindReportId(report.id),
      [](const sqlite::Statement& row) { return HistoryFromJson(row.Text(0)); });
  if (!history) return history.error();
  report.history = std::move(*history);
  auto incidents = All<std::string>(engine, kLinks, BindReportId(report.id), &ReadText);
  if (!incidents) return incidents.error();
  report.incidents = std::move(*incidents);
  return OkStatus();
}

template <typename Reports>
Status FillReports(Engine& engine, Reports& reports) {
  for (FaultReportRecord& report : reports) {
    if (Status filled = FillReport(engine, report); !filled) return filled;
  }
  return OkStatus();
}

class SqliteFaultReportStore final : public EngineBound<FaultReportStore> {
 public:
  using EngineBound::EngineBound;

  Status CreateFaultReport(const FaultReportRecord& report) override {
    auto lock = engine_.Lock();
    auto transaction = engine_.Begin();
    if (!transaction) return transaction.error();
    Status inserted = Run(engine_, kInsert, [&](sqlite::Statement& insert) {
      BindFields(insert, report);
      insert.Bind(":kind", report.kind)
          .Bind(":customer", report.customer)
          .Bind(":reported_ms", report.reported_ms);
    });
    if (!inserted) return inserted;
    Status rest = LinkAndNote(report, report.history);
    if (!rest) return rest;
    return transaction->Commit();
  }

  Status UpdateFaultReport(const FaultReportRecord& report,
                           const std::vector<ReportHistoryEntry>& new_entries) override {
    auto lock = engine_.Lock();
    auto transaction = engine_.Begin();
    if (!transaction) return transaction.error();
    auto changed = RunCounting(engine_, kUpdate,
                               [&](sqlite::Statement& update) { BindFields(update, report); });
    if (!changed) return changed.error();
    if (*changed == 0) {
      return MakeError(ErrorCode::kNotFound, "no fault report with id " + report.id);
    }
    Status rest = LinkAndNote(report, new_entries);
    if (!rest) return rest;
    return transaction->Commit();
  }

  Result<std::optional<FaultReportRecord>> GetFaultReport(const std::string& id) override {
    auto lock = engine_.Lock();
    auto found = One<FaultReportRecord>(
        engine_, kById, [&](sqlite::Statement& query) { query.Bind(":id", id); }, &ReadReport);
    if (!found || !found->has_value()) return found;
    if (Status filled = FillReport(engine_, **found); !filled) return filled.error();
    return found;
  }

  Result<Page<FaultReportRecord>> ListFaultReports(const FaultReportFilter& filter,
                                                   std::optional<std::int64_t> before,
                                                   std::size_t limit) override {
    auto lock = engine_.Lock();
    Result<Page<FaultReportRecord>> page = Page<FaultReportRecord>();
    {
      auto prepared = engine_.Prepare(kList);
      if (!prepared) return prepared.error();
      sqlite::Statement& query = **prepared;
      query.Bind(":customer", filter.customer.value_or(""))
          .Bind(":kind", filter.kind.value_or(""))
          .Bind(":status", filter.status.value_or(""))
          .Bind(":severity", filter.severity.value_or(""))
          .Bind(":category", filter.category.value_or(""))
          .Bind(":since", filter.since_ms.value_or(std::numeric_limits<std::int64_t>::min()))
          .Bind(":until", filter.until_ms.value_or(std::numeric_limits<std::int64_t>::max()))
          .Bind(":before", before.value_or(std::numeric_limits<std::int64_t>::max()))
          .Bind(":limit", static_cast<std::int64_t>(limit + 1));
      page = ReadPage<FaultReportRecord>(query, limit, 0, &ReadReport);
    }
    if (!page) return page;
    if (Status filled = FillReports(engine_, page->items); !filled) return filled.error();
    return page;
  }

  Result<std::vector<FaultReportRecord>> OpenFaultReports() override {
    auto lock = engine_.Lock();
    auto reports = All<FaultReportRecord>(engine_, kOpen, NoParameters, &ReadReport);
    if (!reports) return reports;
    if (Status filled = FillReports(engine_, *reports); !filled) return filled.error();
    return reports;
  }

  Result<std::vector<std::string>> ReportsOfIncident(const std::string& incident_id) override {
    auto lock = engine_.Lock();
    return All<std::string>(
        engine_, kReportsOfIncident,
        [&](sqlite::Statement& query) { query.Bind(":incident_id", incident_id); }, &ReadText);
  }

 private:
  // The parameters an INSERT and an UPDATE share.
  static void BindFields(sqlite::Statement& statement, const FaultReportRecord& report) {
    statement.Bind(":id", report.id)
        .Bind(":fields", FieldsToJson(report))
        .Bind(":status", report.status)
        .Bind(":severity", report.severity)
        .Bind(":category", report.category)
        .Bind(":updated_ms", report.updated_ms);
  }

  Status LinkAndNote(const FaultReportRecord& report,
                     const std::vector<ReportHistoryEntry>& entries) {
    if (Status linked = WriteLinks(engine_, report); !linked) return linked;
    return AppendReportHistory(engine_, report.id, entries);
  }
};

}  // namespace

Status AppendReportHistory(Engine& engine, const std::string& report_id,
                           const std::vector<ReportHistoryEntry>& entries) {
  for (const ReportHistoryEntry& entry : entries) {
    Status added = Run(engine, kAddHistory, [&](sqlite::Statement& insert) {
      insert.Bind(":report_id", report_id).Bind(":entry", HistoryToJson(entry));
    });
    if (!added) return added;
  }
  return OkStatus();
}

std::unique_ptr<FaultReportStore> MakeFaultReportStore(Engine& engine) {
  return std::make_unique<SqliteFaultReportStore>(engine);
}

}  // namespace vigil::collector::sqlite_store
