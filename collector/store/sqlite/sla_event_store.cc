// The SQLite engine of SlaEventStore.

#include "collector/store/sqlite/engines.h"

namespace vigil::collector::sqlite_store {
namespace {

constexpr std::string_view kMark =
    "INSERT OR IGNORE INTO sla_events (item, event, at_ms) VALUES (:item, :event, :at_ms)";
constexpr std::string_view kCount =
    "SELECT r.customer, r.kind, r.severity, e.event, COUNT(*) FROM sla_events e"
    " JOIN fault_reports r ON r.id = e.item GROUP BY 1, 2, 3, 4"
    " UNION ALL "
    "SELECT i.customer, 'incident', i.severity, e.event, COUNT(*) FROM sla_events e"
    " JOIN incidents i ON i.id = e.item GROUP BY 1, 2, 3, 4";
constexpr std::string_view kSatisfaction =
    "SELECT customer, SUM(json_extract(fields, '$.satisfaction_score')), COUNT(*)"
    " FROM fault_reports WHERE json_extract(fields, '$.satisfaction_score') IS NOT NULL"
    " AND json_extract(fields, '$.satisfaction_ms') >= :since GROUP BY customer";

class SqliteSlaEventStore final : public EngineBound<SlaEventStore> {
 public:
  using EngineBound::EngineBound;

  Result<bool> MarkSlaEvent(const SlaItemRef& item, const std::string& event, std::int64_t at_ms,
                            const std::string& note,
                            const std::vector<alerting::OutboxEntry>& notifications) override {
    auto lock = engine_.Lock();
    auto transaction = engine_.Begin();
    if (!transaction) return transaction.error();
    auto marked = RunCounting(engine_, kMark, [&](sqlite::Statement& insert) {
      insert.Bind(":item", item.id).Bind(":event", event).Bind(":at_ms", at_ms);
    });
    if (!marked) return marked.error();
    if (*marked == 0) return false;
    if (!note.empty()) {
      if (Status noted = Note(item, at_ms, note); !noted) return noted.error();
    }
    if (Status queued = InsertNotifications(engine_, notifications); !queued) {
      return queued.error();
    }
    if (Status committed = transaction->Commit(); !committed) return committed.error();
    return true;
  }

  Result<std::vector<SlaEventCount>> CountSlaEvents() override {
    auto lock = engine_.Lock();
    return All<SlaEventCount>(engine_, kCount, NoParameters, [](const sqlite::Statement& row) {
      return SlaEventCount{row.Text(0), row.Text(1), row.Text(2), row.Text(3), row.Int(4)};
    });
  }

  Result<std::vector<SatisfactionTotal>> SatisfactionSince(std::int64_t since_ms) override {
    auto lock = engine_.Lock();
    return All<SatisfactionTotal>(
        engine_, kSatisfaction, [&](sqlite::Statement& query) { query.Bind(":since", since_ms); },
        [](const sqlite::Statement& row) {
          return SatisfactionTotal{row.Text(0), static_cast<double>(row.Int(1)), row.Int(2)};
        });
  }

 private:
  // The event on the item's timeline (an incident) or history (a fault report).
  Status Note(const SlaItemRef& item, std::int64_t at_ms, const std::string& note) {
    const std::vector<TimelineEntry> entries = {{at_ms, "sla", "system", note}};
    if (item.kind == SlaItemRef::Kind::kIncident) {
      return AppendIncidentTimeline(engine_, item.id, entries);
    }
    return AppendReportHistory(engine_, item.id, AsReportNotes(entries));
  }
};

}  // namespace

std::unique_ptr<SlaEventStore> MakeSlaEventStore(Engine& engine) {
  return std::make_unique<SqliteSlaEventStore>(engine);
}

}  // namespace vigil::collector::sqlite_store
