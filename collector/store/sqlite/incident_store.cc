// The SQLite engine of IncidentStore, and the timeline rows other stores append to.

#include <cmath>
#include <limits>

#include "collector/store/sqlite/engines.h"

namespace vigil::collector::sqlite_store {
namespace {

#define VIGIL_INCIDENT_COLUMNS                                                                 \
  "seq, id, source, rule, fingerprint, state, severity, customer, agent, labels, annotations," \
  " summary, value, started_ms, acknowledged_ms, resolved_ms, acknowledged_by, resolved_by,"   \
  " silenced, previous_id, updated_ms"

constexpr std::string_view kInsert =
    "INSERT INTO incidents (id, source, rule, fingerprint, state, severity, customer, agent,"
    " labels, annotations, summary, value, started_ms, acknowledged_ms, resolved_ms,"
    " acknowledged_by, resolved_by, silenced, previous_id, updated_ms)"
    " VALUES (:id, :source, :rule, :fingerprint, :state, :severity, :customer, :agent, :labels,"
    " :annotations, :summary, :value, :started_ms, :acknowledged_ms, :resolved_ms,"
    " :acknowledged_by, :resolved_by, :silenced, :previous_id, :updated_ms)";
constexpr std::string_view kUpdate =
    "UPDATE incidents SET state = :state, severity = :severity, value = :value,"
    " summary = :summary, acknowledged_ms = :acknowledged_ms, resolved_ms = :resolved_ms,"
    " acknowledged_by = :acknowledged_by, resolved_by = :resolved_by, silenced = :silenced,"
    " updated_ms = :updated_ms WHERE id = :id";
constexpr std::string_view kSeq = "SELECT seq FROM incidents WHERE id = :id";
constexpr std::string_view kAddTimeline =
    "INSERT INTO incident_timeline (incident_seq, at_ms, type, actor, text)"
    " VALUES (:seq, :at_ms, :type, :actor, :text)";
constexpr std::string_view kTimeline =
    "SELECT at_ms, type, actor, text FROM incident_timeline WHERE incident_seq = :seq ORDER BY n";
constexpr std::string_view kById =
    "SELECT " VIGIL_INCIDENT_COLUMNS " FROM incidents WHERE id = :key ORDER BY seq DESC LIMIT 1";
constexpr std::string_view kOpenByFingerprint =
    "SELECT " VIGIL_INCIDENT_COLUMNS
    " FROM incidents WHERE fingerprint = :key AND state != 'resolved' ORDER BY seq DESC LIMIT 1";
constexpr std::string_view kLatestByFingerprint =
    "SELECT " VIGIL_INCIDENT_COLUMNS
    " FROM incidents WHERE fingerprint = :key ORDER BY seq DESC LIMIT 1";
// Every filter is optional: a NULL parameter matches all. :states is ",a,b," or NULL.
constexpr std::string_view kList =
    "SELECT " VIGIL_INCIDENT_COLUMNS
    " FROM incidents WHERE (:customer IS NULL OR customer = :customer)"
    " AND (:agent IS NULL OR agent = :agent) AND (:severity IS NULL OR severity = :severity)"
    " AND (:rule IS NULL OR rule = :rule)"
    " AND (:states IS NULL OR instr(:states, ',' || state || ',') > 0)"
    " AND (:since IS NULL OR started_ms >= :since) AND (:until IS NULL OR started_ms < :until)"
    " AND seq < :before ORDER BY seq DESC LIMIT :limit";
constexpr std::string_view kOpen =
    "SELECT " VIGIL_INCIDENT_COLUMNS " FROM incidents WHERE state != 'resolved' ORDER BY seq";

#undef VIGIL_INCIDENT_COLUMNS

IncidentRecord ReadIncident(const sqlite::Statement& row) {
  IncidentRecord incident;
  incident.id = row.Text(1);
  incident.source = row.Text(2);
  incident.rule = row.Text(3);
  incident.fingerprint = row.Text(4);
  // A state this build does not know is taken as resolved: nothing acts on it again.
  incident.state = ParseIncidentState(row.Text(5)).value_or(IncidentState::kResolved);
  incident.severity = row.Text(6);
  incident.customer = row.Text(7);
  incident.agent = row.Text(8);
  incident.labels = PairsFromJson(row.Text(9));
  incident.annotations = PairsFromJson(row.Text(10));
  incident.summary = row.Text(11);
  if (!row.IsNull(12)) incident.value = row.Double(12);
  incident.started_ms = row.Int(13);
  incident.acknowledged_ms = OptionalInt(row, 14);
  incident.resolved_ms = OptionalInt(row, 15);
  incident.acknowledged_by = OptionalText(row, 16);
  incident.resolved_by = OptionalText(row, 17);
  incident.silenced = row.Int(18) != 0;
  incident.previous_id = OptionalText(row, 19);
  incident.updated_ms = row.Int(20);
  return incident;
}

// The fields an update may change, bound by name in the INSERT and the UPDATE alike.
void BindChangingFields(sqlite::Statement& statement, const IncidentRecord& incident) {
  statement.Bind(":id", incident.id)
      .Bind(":state", IncidentStateName(incident.state))
      .Bind(":severity", incident.severity)
      .Bind(":summary", incident.summary)
      .BindOptional(":acknowledged_ms", incident.acknowledged_ms)
      .BindOptional(":resolved_ms", incident.resolved_ms)
      .BindOptional(":acknowledged_by", incident.acknowledged_by)
      .BindOptional(":resolved_by", incident.resolved_by)
      .Bind(":silenced", incident.silenced ? 1 : 0)
      .Bind(":updated_ms", incident.updated_ms);
  if (incident.value && !std::isnan(*incident.value)) {
    statement.BindDouble(":value", *incident.value);
  } else {
    statement.BindNull(":value");
  }
}

Result<std::int64_t> SeqOf(Engine& engine, const std::string& id) {
  auto seq = One<std::int64_t>(
      engine, kSeq, [&](sqlite::Statement& query) { query.Bind(":id", id); },
      [](const sqlite::Statement& row) { return row.Int(0); });
  if (!seq) return seq.error();
  if (!seq->has_value()) return MakeError(ErrorCode::kNotFound, "no incident with id " + id);
  return **seq;
}

Status AddTimeline(Engine& engine, std::int64_t seq, const std::vector<TimelineEntry>& entries) {
  for (const TimelineEntry& entry : entries) {
    Status added = Run(engine, kAddTimeline, [&](sqlite::Statement& insert) {
      insert.Bind(":seq", seq)
          .Bind(":at_ms", entry.at_ms)
          .Bind(":type", entry.type)
          .Bind(":actor", entry.actor)
          .Bind(":text", entry.text);
    });
    if (!added) return added;
  }
  return OkStatus();
}

// The timeline of `id` gets `entries` and the outbox `notifications`: the rest of every write.
Status AddTimelineAndQueue(Engine& engine, const std::string& id,
                           const std::vector<TimelineEntry>& entries,
                           const std::vector<alerting::OutboxEntry>& notifications) {
  auto seq = SeqOf(engine, id);
  if (!seq) return seq.error();
  if (Status added = AddTimeline(engine, *seq, entries); !added) return added;
  return InsertNotifications(engine, notifications);
}

class SqliteIncidentStore final : public EngineBound<IncidentStore> {
 public:
  using EngineBound::EngineBound;

  Status CreateIncident(const IncidentRecord& incident,
                        const std::vector<alerting::OutboxEntry>& notifications) override {
    auto lock = engine_.Lock();
    auto transaction = engine_.Begin();
    if (!transaction) return transaction.error();
    Status inserted = Run(engine_, kInsert, [&](sqlite::Statement& insert) {
      BindChangingFields(insert, incident);
      insert.Bind(":source", incident.source)
          .Bind(":rule", incident.rule)
          .Bind(":fingerprint", incident.fingerprint)
          .Bind(":customer", incident.customer)
          .Bind(":agent", incident.agent)
          .Bind(":labels", PairsToJson(incident.labels))
          .Bind(":annotations", PairsToJson(incident.annotations))
          .Bind(":started_ms", incident.started_ms)
          .BindOptional(":previous_id", incident.previous_id);
    });
    if (!inserted) return inserted;
    Status rest = AddTimelineAndQueue(engine_, incident.id, incident.timeline, notifications);
    if (!rest) return rest;
    return transaction->Commit();
  }

  Status UpdateIncident(const IncidentRecord& incident,
                        const std::vector<TimelineEntry>& new_entries,
                        const std::vector<alerting::OutboxEntry>& notifications) override {
    auto lock = engine_.Lock();
    auto transaction = engine_.Begin();
    if (!transaction) return transaction.error();
    auto changed = RunCounting(
        engine_, kUpdate, [&](sqlite::Statement& update) { BindChangingFields(update, incident); });
    if (!changed) return changed.error();
    if (*changed == 0) {
      return MakeError(ErrorCode::kNotFound, "no incident with id " + incident.id);
    }
    Status rest = AddTimelineAndQueue(engine_, incident.id, new_entries, notifications);
    if (!rest) return rest;
    return transaction->Commit();
  }

  Status AppendTimeline(const std::string& incident_id, const std::vector<TimelineEntry>& entries,
                        const std::vector<alerting::OutboxEntry>& notifications) override {
    auto lock = engine_.Lock();
    auto transaction = engine_.Begin();
    if (!transaction) return transaction.error();
    Status rest = AddTimelineAndQueue(engine_, incident_id, entries, notifications);
    if (!rest) return rest;
    return transaction->Commit();
  }

  Result<std::optional<IncidentRecord>> GetIncident(const std::string& id) override {
    auto lock = engine_.Lock();
    return NewestWhere(kById, id);
  }

  Result<std::optional<IncidentRecord>> FindOpenIncident(const std::string& fingerprint) override {
    auto lock = engine_.Lock();
    return NewestWhere(kOpenByFingerprint, fingerprint);
  }

  Result<std::optional<IncidentRecord>> LatestIncident(const std::string& fingerprint) override {
    auto lock = engine_.Lock();
    return NewestWhere(kLatestByFingerprint, fingerprint);
  }

  Result<Page<IncidentRecord>> ListIncidents(const IncidentFilter& filter,
                                             std::optional<std::int64_t> before,
                                             std::size_t limit) override {
    auto lock = engine_.Lock();
    auto prepared = engine_.Prepare(kList);
    if (!prepared) return prepared.error();
    sqlite::Statement& query = **prepared;
    std::optional<std::string> states;
    if (!filter.states.empty()) {
      states = ",";
      for (IncidentState state : filter.states) {
        *states += std::string(IncidentStateName(state)) + ",";
      }
    }
    query.BindOptional(":customer", filter.customer)
        .BindOptional(":agent", filter.agent)
        .BindOptional(":severity", filter.severity)
        .BindOptional(":rule", filter.rule)
        .BindOptional(":states", states)
        .BindOptional(":since", filter.since_ms)
        .BindOptional(":until", filter.until_ms)
        .Bind(":before", before.value_or(std::numeric_limits<std::int64_t>::max()))
        .Bind(":limit", static_cast<std::int64_t>(limit + 1));
    return ReadPage<IncidentRecord>(query, limit, 0, &ReadIncident);
  }

  Result<std::vector<IncidentRecord>> OpenIncidents() override {
    auto lock = engine_.Lock();
    return All<IncidentRecord>(engine_, kOpen, NoParameters, &ReadIncident);
  }

 private:
  // The newest incident of `sql` (whose :key is `key`), with its timeline.
  Result<std::optional<IncidentRecord>> NewestWhere(std::string_view sql, const std::string& key) {
    auto found = One<std::pair<std::int64_t, IncidentRecord>>(
        engine_, sql, [&](sqlite::Statement& query) { query.Bind(":key", key); },
        [](const sqlite::Statement& row) { return std::pair(row.Int(0), ReadIncident(row)); });
    if (!found) return found.error();
    if (!found->has_value()) return std::optional<IncidentRecord>();
    auto& [seq, incident] = **found;
    auto entries = All<TimelineEntry>(
        engine_, kTimeline, [&](sqlite::Statement& query) { query.Bind(":seq", seq); },
        [](const sqlite::Statement& r) {
          return TimelineEntry{r.Int(0), r.Text(1), r.Text(2), r.Text(3)};
        });
    if (!entries) return entries.error();
    incident.timeline = std::move(*entries);
    return std::optional<IncidentRecord>(std::move(incident));
  }
};

}  // namespace

Status AppendIncidentTimeline(Engine& engine, const std::string& incident_id,
                              const std::vector<TimelineEntry>& entries) {
  if (entries.empty()) return OkStatus();
  auto seq = SeqOf(engine, incident_id);
  if (!seq) return seq.error();
  return AddTimeline(engine, *seq, entries);
}

std::unique_ptr<IncidentStore> MakeIncidentStore(Engine& engine) {
  return std::make_unique<SqliteIncidentStore>(engine);
}

}  // namespace vigil::collector::sqlite_store
