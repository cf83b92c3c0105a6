// The SQLite engine of OutboxStore, and the queueing other stores' transactions do.

#include <limits>

#include "collector/store/sqlite/engines.h"

namespace vigil::collector::sqlite_store {
namespace {

#define VIGIL_NOTIFICATION_COLUMNS                                                        \
  "id, incident_id, receiver, event, body, created_ms, attempts, next_attempt_ms, state," \
  " last_status, last_error, finished_ms, seq"

constexpr std::string_view kInsert =
    "INSERT INTO notifications (id, incident_id, receiver, event, body, created_ms, attempts,"
    " next_attempt_ms, state) VALUES (:id, :incident_id, :receiver, :event, :body, :created_ms,"
    " :attempts, :next_attempt_ms, :state)";
constexpr std::string_view kRecordAttempt =
    "UPDATE notifications SET attempts = :attempts, next_attempt_ms = :next_attempt_ms,"
    " state = :state, last_status = :last_status, last_error = :last_error,"
    " finished_ms = :finished_ms, created_ms = :created_ms WHERE id = :id";
constexpr std::string_view kPending =
    "SELECT " VIGIL_NOTIFICATION_COLUMNS " FROM notifications WHERE state = 'pending' ORDER BY seq";
constexpr std::string_view kOfIncident =
    "SELECT " VIGIL_NOTIFICATION_COLUMNS
    " FROM notifications WHERE incident_id = :incident_id ORDER BY seq";
constexpr std::string_view kById =
    "SELECT " VIGIL_NOTIFICATION_COLUMNS " FROM notifications WHERE id = :id";
constexpr std::string_view kList = "SELECT " VIGIL_NOTIFICATION_COLUMNS
                                   " FROM notifications WHERE (:state = '' OR state = :state)"
                                   " AND (:incident_id = '' OR incident_id = :incident_id)"
                                   " AND (:receiver = '' OR receiver = :receiver) AND seq < :before"
                                   " ORDER BY seq DESC LIMIT :limit";
constexpr std::string_view kCount = "SELECT state, count(*) FROM notifications GROUP BY state";

#undef VIGIL_NOTIFICATION_COLUMNS

alerting::OutboxEntry ReadNotification(const sqlite::Statement& row) {
  alerting::OutboxEntry entry;
  entry.id = row.Text(0);
  entry.incident_id = row.Text(1);
  entry.receiver = row.Text(2);
  entry.event = row.Text(3);
  entry.body = row.Text(4);
  entry.created_ms = row.Int(5);
  entry.attempts = static_cast<int>(row.Int(6));
  entry.next_attempt_ms = row.Int(7);
  // A state this build does not know is not delivered again.
  entry.state = alerting::ParseOutboxState(row.Text(8)).value_or(alerting::OutboxState::kDead);
  entry.last_status = static_cast<int>(row.Int(9));
  entry.last_error = row.Text(10);
  entry.finished_ms = row.Int(11);
  return entry;
}

// A notification is about an incident ("inc-…") or a fault report ("fr-…"); its attempts are
// noted on the one's timeline or the other's history.
Status NoteAttempt(Engine& engine, const std::string& item,
                   const std::vector<TimelineEntry>& entries) {
  if (item.rfind("fr-", 0) != 0) return AppendIncidentTimeline(engine, item, entries);
  return AppendReportHistory(engine, item, AsReportNotes(entries));
}

class SqliteOutboxStore final : public EngineBound<OutboxStore> {
 public:
  using EngineBound::EngineBound;

  Status RecordNotification(const alerting::OutboxEntry& entry,
                            const std::vector<TimelineEntry>& timeline) override {
    auto lock = engine_.Lock();
    auto transaction = engine_.Begin();
    if (!transaction) return transaction.error();
    auto changed = RunCounting(engine_, kRecordAttempt, [&](sqlite::Statement& update) {
      update.Bind(":id", entry.id)
          .Bind(":attempts", static_cast<std::int64_t>(entry.attempts))
          .Bind(":next_attempt_ms", entry.next_attempt_ms)
          .Bind(":state", alerting::OutboxStateName(entry.state))
          .Bind(":last_status", static_cast<std::int64_t>(entry.last_status))
          .Bind(":last_error", entry.last_error)
          .Bind(":finished_ms", entry.finished_ms)
          .Bind(":created_ms", entry.created_ms);
    });
    if (!changed) return changed.error();
    if (*changed == 0) {
      return MakeError(ErrorCode::kNotFound, "no notification with id " + entry.id);
    }
    if (Status noted = NoteAttempt(engine_, entry.incident_id, timeline); !noted) return noted;
    return transaction->Commit();
  }

  Result<std::vector<alerting::OutboxEntry>> PendingNotifications() override {
    auto lock = engine_.Lock();
    return All<alerting::OutboxEntry>(engine_, kPending, NoParameters, &ReadNotification);
  }

  Result<std::vector<alerting::OutboxEntry>> NotificationsOf(
      const std::string& incident_id) override {
    auto lock = engine_.Lock();
    return All<alerting::OutboxEntry>(
        engine_, kOfIncident,
        [&](sqlite::Statement& query) { query.Bind(":incident_id", incident_id); },
        &ReadNotification);
  }

  Result<std::optional<alerting::OutboxEntry>> GetNotification(const std::string& id) override {
    auto lock = engine_.Lock();
    return One<alerting::OutboxEntry>(
        engine_, kById, [&](sqlite::Statement& query) { query.Bind(":id", id); },
        &ReadNotification);
  }

  Result<Page<alerting::OutboxEntry>> ListNotifications(std::optional<alerting::OutboxState> state,
                                                        const std::string& incident_id,
                                                        const std::string& receiver,
                                                        std::optional<std::int64_t> before,
                                                        std::size_t limit) override {
    auto lock = engine_.Lock();
    auto prepared = engine_.Prepare(kList);
    if (!prepared) return prepared.error();
    sqlite::Statement& query = **prepared;
    query.Bind(":state", state ? alerting::OutboxStateName(*state) : std::string_view(""))
        .Bind(":incident_id", incident_id)
        .Bind(":receiver", receiver)
        .Bind(":before", before.value_or(std::numeric_limits<std::int64_t>::max()))
        .Bind(":limit", static_cast<std::int64_t>(limit + 1));
    return ReadPage<alerting::OutboxEntry>(query, limit, 12, &ReadNotification);
  }

  Result<std::map<alerting::OutboxState, std::int64_t>> CountNotifications() override {
    auto lock = engine_.Lock();
    auto counts = All<std::pair<std::string, std::int64_t>>(
        engine_, kCount, NoParameters,
        [](const sqlite::Statement& row) { return std::pair(row.Text(0), row.Int(1)); });
    if (!counts) return counts.error();
    std::map<alerting::OutboxState, std::int64_t> by_state;
    for (const auto& [name, count] : *counts) {
      if (auto state = alerting::ParseOutboxState(name)) by_state[*state] += count;
    }
    return by_state;
  }
};

}  // namespace

Status InsertNotifications(Engine& engine, const std::vector<alerting::OutboxEntry>& entries) {
  for (const alerting::OutboxEntry& entry : entries) {
    Status inserted = Run(engine, kInsert, [&](sqlite::Statement& insert) {
      insert.Bind(":id", entry.id)
          .Bind(":incident_id", entry.incident_id)
          .Bind(":receiver", entry.receiver)
          .Bind(":event", entry.event)
          .Bind(":body", entry.body)
          .Bind(":created_ms", entry.created_ms)
          .Bind(":attempts", static_cast<std::int64_t>(entry.attempts))
          .Bind(":next_attempt_ms", entry.next_attempt_ms)
          .Bind(":state", alerting::OutboxStateName(entry.state));
    });
    if (!inserted) return inserted;
  }
  return OkStatus();
}

std::unique_ptr<OutboxStore> MakeOutboxStore(Engine& engine) {
  return std::make_unique<SqliteOutboxStore>(engine);
}

}  // namespace vigil::collector::sqlite_store
