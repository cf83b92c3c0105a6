// The SQLite engine of the collector's Store.

#include <cmath>
#include <limits>
#include <mutex>
#include <nlohmann/json.hpp>

#include "collector/store.h"
#include "common/sqlite.h"

namespace vigil::collector {
namespace {

// Append only: each entry moves the schema one version forward.
const std::vector<std::string_view> kMigrations = {
    R"sql(
      CREATE TABLE tokens (
        id          TEXT PRIMARY KEY,
        customer    TEXT NOT NULL,
        hash        TEXT NOT NULL UNIQUE,
        created_ms  INTEGER NOT NULL,
        revoked_ms  INTEGER
      );
      CREATE TABLE agents (
        customer         TEXT NOT NULL,
        agent_id         TEXT NOT NULL,
        hostname         TEXT NOT NULL,
        version          TEXT NOT NULL,
        last_sequence    INTEGER NOT NULL DEFAULT 0,
        batches_applied  INTEGER NOT NULL DEFAULT 0,
        first_seen_ms    INTEGER NOT NULL,
        last_seen_ms     INTEGER NOT NULL,
        PRIMARY KEY (customer, agent_id)
      );
    )sql",
    // Rules and incidents: API tokens with roles, incidents with timelines, silences, and the
    // pending and firing rule states that a restart resumes.
    R"sql(
      ALTER TABLE tokens ADD COLUMN kind TEXT NOT NULL DEFAULT 'enrollment';
      ALTER TABLE tokens ADD COLUMN role TEXT NOT NULL DEFAULT '';
      ALTER TABLE tokens ADD COLUMN name TEXT NOT NULL DEFAULT '';
      ALTER TABLE agents ADD COLUMN labels TEXT NOT NULL DEFAULT '{}';
      ALTER TABLE agents ADD COLUMN goodbye_ms INTEGER;
      CREATE TABLE incidents (
        seq              INTEGER PRIMARY KEY AUTOINCREMENT,
        id               TEXT NOT NULL UNIQUE,
        source           TEXT NOT NULL,
        rule             TEXT NOT NULL,
        fingerprint      TEXT NOT NULL,
        state            TEXT NOT NULL,
        severity         TEXT NOT NULL,
        customer         TEXT NOT NULL,
        agent            TEXT NOT NULL,
        labels           TEXT NOT NULL,
        annotations      TEXT NOT NULL,
        summary          TEXT NOT NULL,
        value            REAL,
        started_ms       INTEGER NOT NULL,
        acknowledged_ms  INTEGER,
        resolved_ms      INTEGER,
        acknowledged_by  TEXT,
        resolved_by      TEXT,
        silenced         INTEGER NOT NULL,
        previous_id      TEXT,
        updated_ms       INTEGER NOT NULL
      );
      CREATE INDEX incidents_by_fingerprint ON incidents (fingerprint, seq);
      CREATE INDEX incidents_open ON incidents (state) WHERE state != 'resolved';
      CREATE TABLE incident_timeline (
        n             INTEGER PRIMARY KEY AUTOINCREMENT,
        incident_seq  INTEGER NOT NULL REFERENCES incidents (seq),
        at_ms         INTEGER NOT NULL,
        type          TEXT NOT NULL,
        actor         TEXT NOT NULL,
        text          TEXT NOT NULL
      );
      CREATE INDEX incident_timeline_by_incident ON incident_timeline (incident_seq, n);
      CREATE TABLE silences (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        id          TEXT NOT NULL UNIQUE,
        matchers    TEXT NOT NULL,
        starts_ms   INTEGER NOT NULL,
        ends_ms     INTEGER NOT NULL,
        comment     TEXT NOT NULL,
        created_by  TEXT NOT NULL,
        created_ms  INTEGER NOT NULL
      );
      CREATE TABLE rule_states (
        fingerprint      TEXT PRIMARY KEY,
        rule             TEXT NOT NULL,
        series_key       TEXT NOT NULL,
        labels           TEXT NOT NULL,
        state            TEXT NOT NULL,
        active_since_ms  INTEGER NOT NULL,
        cleared_ms       INTEGER,
        value            REAL,
        severity         TEXT NOT NULL
      );
    )sql",
    // Notifications: the outbox, written with the incident change that causes them.
    R"sql(
      CREATE TABLE notifications (
        seq              INTEGER PRIMARY KEY AUTOINCREMENT,
        id               TEXT NOT NULL UNIQUE,
        incident_id      TEXT NOT NULL,
        receiver         TEXT NOT NULL,
        event            TEXT NOT NULL,
        body             TEXT NOT NULL,
        created_ms       INTEGER NOT NULL,
        attempts         INTEGER NOT NULL DEFAULT 0,
        next_attempt_ms  INTEGER NOT NULL,
        state            TEXT NOT NULL,
        last_status      INTEGER NOT NULL DEFAULT 0,
        last_error       TEXT NOT NULL DEFAULT '',
        finished_ms      INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX notifications_pending ON notifications (state) WHERE state = 'pending';
      CREATE INDEX notifications_by_incident ON notifications (incident_id, seq);
    )sql",
    // Fault reports with their history and incident links, and SLA events done once.
    R"sql(
      CREATE TABLE fault_reports (
        seq                   INTEGER PRIMARY KEY AUTOINCREMENT,
        id                    TEXT NOT NULL UNIQUE,
        kind                  TEXT NOT NULL,
        customer              TEXT NOT NULL,
        fields                TEXT NOT NULL,
        status                TEXT NOT NULL,
        severity              TEXT NOT NULL,
        category              TEXT NOT NULL,
        reported_ms           INTEGER NOT NULL,
        updated_ms            INTEGER NOT NULL
      );
      CREATE INDEX fault_reports_by_customer ON fault_reports (customer, seq);
      CREATE TABLE fault_report_history (
        n          INTEGER PRIMARY KEY AUTOINCREMENT,
        report_id  TEXT NOT NULL,
        entry      TEXT NOT NULL
      );
      CREATE INDEX fault_report_history_by_report ON fault_report_history (report_id, n);
      CREATE TABLE fault_report_incidents (
        report_id    TEXT NOT NULL,
        incident_id  TEXT NOT NULL,
        PRIMARY KEY (report_id, incident_id)
      );
      CREATE INDEX fault_report_incidents_by_incident ON fault_report_incidents (incident_id);
      CREATE TABLE sla_events (
        item   TEXT NOT NULL,
        event  TEXT NOT NULL,
        at_ms  INTEGER NOT NULL,
        PRIMARY KEY (item, event)
      );
    )sql",
    // Agents' current security findings.
    R"sql(
      CREATE TABLE security_findings (
        customer       TEXT NOT NULL,
        agent          TEXT NOT NULL,
        check_id       TEXT NOT NULL,
        key            TEXT NOT NULL,
        severity       TEXT NOT NULL,
        title          TEXT NOT NULL,
        evidence       TEXT NOT NULL,
        remediation    TEXT NOT NULL,
        first_seen_ms  INTEGER NOT NULL,
        last_seen_ms   INTEGER NOT NULL,
        PRIMARY KEY (customer, agent, check_id, key)
      );
    )sql",
};

using Json = nlohmann::json;

std::string PairsToJson(const StringPairs& pairs) {
  Json object = Json::object();
  for (const auto& [name, value] : pairs) object[name] = value;
  return object.dump();
}

StringPairs PairsFromJson(const std::string& text) {
  StringPairs out;
  Json object = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!object.is_object()) return out;
  for (auto& [name, value] : object.items()) {
    if (value.is_string()) out.emplace_back(name, value.get<std::string>());
  }
  return out;
}

std::int64_t ToMs(alerting::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
alerting::TimePoint FromMs(std::int64_t ms) {
  return alerting::TimePoint(std::chrono::milliseconds(ms));
}

std::optional<std::int64_t> OptionalInt(const sqlite::Statement& row, int column) {
  if (row.IsNull(column)) return std::nullopt;
  return row.Int(column);
}
std::optional<std::string> OptionalText(const sqlite::Statement& row, int column) {
  if (row.IsNull(column)) return std::nullopt;
  return row.Text(column);
}
void BindOptional(sqlite::Statement& statement, int index, const std::optional<std::int64_t>& v) {
  if (v) {
    statement.Bind(index, *v);
  } else {
    statement.BindNull(index);
  }
}
void BindOptional(sqlite::Statement& statement, int index, const std::optional<std::string>& v) {
  if (v) {
    statement.Bind(index, *v);
  } else {
    statement.BindNull(index);
  }
}

constexpr const char* kTokenColumns = "id, customer, created_ms, revoked_ms, kind, role, name";

TokenRecord ReadToken(const sqlite::Statement& row) {
  TokenRecord token;
  token.id = row.Text(0);
  token.customer = row.Text(1);
  token.created_ms = row.Int(2);
  token.revoked_ms = OptionalInt(row, 3);
  token.kind = row.Text(4);
  token.role = row.Text(5);
  token.name = row.Text(6);
  return token;
}

constexpr const char* kAgentColumns =
    "customer, agent_id, hostname, version, last_sequence, batches_applied, last_seen_ms, labels,"
    " goodbye_ms";

AgentRecord ReadAgent(const sqlite::Statement& row) {
  AgentRecord agent;
  agent.customer = row.Text(0);
  agent.agent_id = row.Text(1);
  agent.hostname = row.Text(2);
  agent.version = row.Text(3);
  agent.last_sequence = static_cast<std::uint64_t>(row.Int(4));
  agent.batches_applied = static_cast<std::uint64_t>(row.Int(5));
  agent.last_seen_ms = row.Int(6);
  agent.labels = PairsFromJson(row.Text(7));
  agent.goodbye_ms = OptionalInt(row, 8);
  return agent;
}

constexpr const char* kIncidentColumns =
    "seq, id, source, rule, fingerprint, state, severity, customer, agent, labels, annotations,"
    " summary, value, started_ms, acknowledged_ms, resolved_ms, acknowledged_by, resolved_by,"
    " silenced, previous_id, updated_ms";

IncidentRecord ReadIncident(const sqlite::Statement& row) {
  IncidentRecord incident;
  incident.id = row.Text(1);
  incident.source = row.Text(2);
  incident.rule = row.Text(3);
  incident.fingerprint = row.Text(4);
  incident.state = row.Text(5);
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

constexpr const char* kNotificationColumns =
    "id, incident_id, receiver, event, body, created_ms, attempts, next_attempt_ms, state,"
    " last_status, last_error, finished_ms, 0, seq";

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
  entry.state = row.Text(8);
  entry.last_status = static_cast<int>(row.Int(9));
  entry.last_error = row.Text(10);
  entry.finished_ms = row.Int(11);
  return entry;
}

Json OptionalJson(const std::optional<std::int64_t>& value) {
  return value ? Json(*value) : Json(nullptr);
}
std::optional<std::int64_t> OptionalFrom(const Json& value) {
  if (!value.is_number_integer()) return std::nullopt;
  return value.get<std::int64_t>();
}

// The report's fields beyond the indexed columns, as one JSON document.
std::string ReportFieldsToJson(const FaultReportRecord& r) {
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

void ReportFieldsFromJson(const std::string& text, FaultReportRecord& r) {
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

constexpr const char* kReportColumns =
    "seq, id, kind, customer, fields, status, severity, category, reported_ms, updated_ms";

FaultReportRecord ReadReport(const sqlite::Statement& row) {
  FaultReportRecord r;
  r.id = row.Text(1);
  r.kind = row.Text(2);
  r.customer = row.Text(3);
  ReportFieldsFromJson(row.Text(4), r);
  r.status = row.Text(5);
  r.severity = row.Text(6);
  r.category = row.Text(7);
  r.reported_ms = row.Int(8);
  r.updated_ms = row.Int(9);
  return r;
}

std::string MatchersToJson(const std::vector<SilenceMatcher>& matchers) {
  Json array = Json::array();
  for (const SilenceMatcher& m : matchers) {
    array.push_back({{"name", m.name}, {"op", m.op}, {"value", m.value}});
  }
  return array.dump();
}

std::vector<SilenceMatcher> MatchersFromJson(const std::string& text) {
  std::vector<SilenceMatcher> out;
  Json array = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!array.is_array()) return out;
  for (const Json& m : array) {
    out.push_back({m.value("name", ""), m.value("op", "="), m.value("value", "")});
  }
  return out;
}

std::string LabelsToJson(const alerting::Labels& labels) {
  Json object = Json::object();
  for (const alerting::Label& label : labels) object[label.name] = label.value;
  return object.dump();
}

alerting::Labels LabelsFromJson(const std::string& text) {
  alerting::Labels out;
  for (auto& [name, value] : PairsFromJson(text)) out.push_back({name, value});
  return alerting::Normalized(std::move(out));
}

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(std::unique_ptr<sqlite::Database> db) : db_(std::move(db)) {}

  Status AddToken(const TokenRecord& token, const std::string& token_hash) override {
    std::lock_guard lock(mutex_);
    auto insert = db_->Prepare(
        "INSERT INTO tokens (id, customer, hash, created_ms, kind, role, name)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!insert) return insert.error();
    insert->Bind(1, token.id)
        .Bind(2, token.customer)
        .Bind(3, token_hash)
        .Bind(4, token.created_ms)
        .Bind(5, token.kind)
        .Bind(6, token.role)
        .Bind(7, token.name);
    return insert->Run();
  }

  Result<std::optional<TokenRecord>> FindToken(const std::string& token_hash) override {
    std::lock_guard lock(mutex_);
    auto query =
        db_->Prepare(std::string("SELECT ") + kTokenColumns + " FROM tokens WHERE hash = ?1");
    if (!query) return query.error();
    query->Bind(1, token_hash);
    return FirstRow<TokenRecord>(*query, &ReadToken);
  }

  Result<std::vector<TokenRecord>> ListTokens() override {
    std::lock_guard lock(mutex_);
    auto query = db_->Prepare(std::string("SELECT ") + kTokenColumns +
                              " FROM tokens ORDER BY created_ms, id");
    if (!query) return query.error();
    return AllRows<TokenRecord>(*query, &ReadToken);
  }

  Status RevokeToken(const std::string& id, std::int64_t at_ms) override {
    std::lock_guard lock(mutex_);
    auto update =
        db_->Prepare("UPDATE tokens SET revoked_ms = coalesce(revoked_ms, ?2) WHERE id = ?1");
    if (!update) return update.error();
    update->Bind(1, id).Bind(2, at_ms);
    if (Status done = update->Run(); !done) return done;
    if (db_->Changes() == 0) return MakeError("not_found", "no token with id " + id);
    return OkStatus();
  }

  Result<AgentRecord> RecordHello(const std::string& customer, const std::string& agent_id,
                                  const std::string& hostname, const std::string& version,
                                  std::int64_t at_ms, const StringPairs& labels) override {
    std::lock_guard lock(mutex_);
    auto upsert = db_->Prepare(
        "INSERT INTO agents (customer, agent_id, hostname, version, first_seen_ms, last_seen_ms,"
        " labels) VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)"
        " ON CONFLICT (customer, agent_id) DO UPDATE SET"
        " hostname = excluded.hostname, version = excluded.version,"
        " last_seen_ms = excluded.last_seen_ms, labels = excluded.labels, goodbye_ms = NULL");
    if (!upsert) return upsert.error();
    upsert->Bind(1, customer)
        .Bind(2, agent_id)
        .Bind(3, hostname)
        .Bind(4, version)
        .Bind(5, at_ms)
        .Bind(6, PairsToJson(labels));
    if (Status done = upsert->Run(); !done) return done.error();
    auto query = db_->Prepare(std::string("SELECT ") + kAgentColumns +
                              " FROM agents WHERE customer = ?1 AND agent_id = ?2");
    if (!query) return query.error();
    query->Bind(1, customer).Bind(2, agent_id);
    auto agent = FirstRow<AgentRecord>(*query, &ReadAgent);
    if (!agent) return agent.error();
    if (!agent->has_value()) return MakeError("sqlite", "agent row vanished after insert");
    return std::move(**agent);
  }

  Result<BatchOutcome> RecordBatch(const std::string& customer, const std::string& agent_id,
                                   std::uint64_t sequence, std::int64_t at_ms) override {
    std::lock_guard lock(mutex_);
    auto update = db_->Prepare(
        "UPDATE agents SET last_sequence = ?3, batches_applied = batches_applied + 1,"
        " last_seen_ms = ?4 WHERE customer = ?1 AND agent_id = ?2 AND last_sequence < ?3");
    if (!update) return update.error();
    update->Bind(1, customer)
        .Bind(2, agent_id)
        .Bind(3, static_cast<std::int64_t>(sequence))
        .Bind(4, at_ms);
    if (Status done = update->Run(); !done) return done.error();
    return db_->Changes() == 1 ? BatchOutcome::kApplied : BatchOutcome::kDuplicate;
  }

  Status RecordGoodbye(const std::string& customer, const std::string& agent_id,
                       std::int64_t at_ms) override {
    std::lock_guard lock(mutex_);
    auto update = db_->Prepare(
        "UPDATE agents SET goodbye_ms = ?3, last_seen_ms = max(last_seen_ms, ?3)"
        " WHERE customer = ?1 AND agent_id = ?2");
    if (!update) return update.error();
    update->Bind(1, customer).Bind(2, agent_id).Bind(3, at_ms);
    return update->Run();
  }

  Result<std::vector<AgentRecord>> ListAgents() override {
    std::lock_guard lock(mutex_);
    auto query = db_->Prepare(std::string("SELECT ") + kAgentColumns +
                              " FROM agents ORDER BY customer, agent_id");
    if (!query) return query.error();
    return AllRows<AgentRecord>(*query, &ReadAgent);
  }

  Status CreateIncident(const IncidentRecord& incident,
                        const std::vector<alerting::OutboxEntry>& notifications) override {
    std::lock_guard lock(mutex_);
    auto transaction = sqlite::Transaction::Begin(*db_);
    if (!transaction) return transaction.error();
    auto insert = db_->Prepare(
        "INSERT INTO incidents (id, source, rule, fingerprint, state, severity, customer, agent,"
        " labels, annotations, summary, value, started_ms, acknowledged_ms, resolved_ms,"
        " acknowledged_by, resolved_by, silenced, previous_id, updated_ms)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
        " ?18, ?19, ?20)");
    if (!insert) return insert.error();
    insert->Bind(1, incident.id)
        .Bind(2, incident.source)
        .Bind(3, incident.rule)
        .Bind(4, incident.fingerprint);
    BindIncidentFields(*insert, incident, 5);
    insert->Bind(7, incident.customer)
        .Bind(8, incident.agent)
        .Bind(9, PairsToJson(incident.labels))
        .Bind(10, PairsToJson(incident.annotations))
        .Bind(11, incident.summary)
        .Bind(13, incident.started_ms);
    if (incident.value && !std::isnan(*incident.value)) {
      insert->BindDouble(12, *incident.value);
    } else {
      insert->BindNull(12);
    }
    BindOptional(*insert, 19, incident.previous_id);
    if (Status done = insert->Run(); !done) return done;
    auto seq = SeqOf(incident.id);
    if (!seq) return seq.error();
    if (Status added = AddTimeline(*seq, incident.timeline); !added) return added;
    if (Status queued = AddNotifications(notifications); !queued) return queued;
    return transaction->Commit();
  }

  Status UpdateIncident(const IncidentRecord& incident,
                        const std::vector<TimelineEntry>& new_entries,
                        const std::vector<alerting::OutboxEntry>& notifications) override {
    std::lock_guard lock(mutex_);
    auto transaction = sqlite::Transaction::Begin(*db_);
    if (!transaction) return transaction.error();
    auto update = db_->Prepare(
        "UPDATE incidents SET state = ?5, severity = ?6, value = ?12, summary = ?11,"
        " acknowledged_ms = ?14, resolved_ms = ?15, acknowledged_by = ?16, resolved_by = ?17,"
        " silenced = ?18, updated_ms = ?20 WHERE id = ?1");
    if (!update) return update.error();
    update->Bind(1, incident.id).Bind(11, incident.summary);
    BindIncidentFields(*update, incident, 5);
    if (incident.value && !std::isnan(*incident.value)) {
      update->BindDouble(12, *incident.value);
    } else {
      update->BindNull(12);
    }
    if (Status done = update->Run(); !done) return done;
    if (db_->Changes() == 0) return MakeError("not_found", "no incident with id " + incident.id);
    auto seq = SeqOf(incident.id);
    if (!seq) return seq.error();
    if (Status added = AddTimeline(*seq, new_entries); !added) return added;
    if (Status queued = AddNotifications(notifications); !queued) return queued;
    return transaction->Commit();
  }

  Status AppendTimeline(const std::string& incident_id, const std::vector<TimelineEntry>& entries,
                        const std::vector<alerting::OutboxEntry>& notifications) override {
    std::lock_guard lock(mutex_);
    auto transaction = sqlite::Transaction::Begin(*db_);
    if (!transaction) return transaction.error();
    auto seq = SeqOf(incident_id);
    if (!seq) return seq.error();
    if (Status added = AddTimeline(*seq, entries); !added) return added;
    if (Status queued = AddNotifications(notifications); !queued) return queued;
    return transaction->Commit();
  }

  Status RecordNotification(const alerting::OutboxEntry& entry,
                            const std::vector<TimelineEntry>& timeline) override {
    std::lock_guard lock(mutex_);
    auto transaction = sqlite::Transaction::Begin(*db_);
    if (!transaction) return transaction.error();
    auto update = db_->Prepare(
        "UPDATE notifications SET attempts = ?2, next_attempt_ms = ?3, state = ?4,"
        " last_status = ?5, last_error = ?6, finished_ms = ?7, created_ms = ?8 WHERE id = ?1");
    if (!update) return update.error();
    update->Bind(1, entry.id)
        .Bind(2, static_cast<std::int64_t>(entry.attempts))
        .Bind(3, entry.next_attempt_ms)
        .Bind(4, entry.state)
        .Bind(5, static_cast<std::int64_t>(entry.last_status))
        .Bind(6, entry.last_error)
        .Bind(7, entry.finished_ms)
        .Bind(8, entry.created_ms);
    if (Status done = update->Run(); !done) return done;
    if (db_->Changes() == 0) return MakeError("not_found", "no notification with id " + entry.id);
    if (Status added = AddItemEntries(entry.incident_id, timeline); !added) return added;
    return transaction->Commit();
  }

  Result<std::vector<alerting::OutboxEntry>> PendingNotifications() override {
    std::lock_guard lock(mutex_);
    auto query = db_->Prepare(std::string("SELECT ") + kNotificationColumns +
                              " FROM notifications WHERE state = 'pending' ORDER BY seq");
    if (!query) return query.error();
    return AllRows<alerting::OutboxEntry>(*query, &ReadNotification);
  }

  Result<std::vector<alerting::OutboxEntry>> NotificationsOf(
      const std::string& incident_id) override {
    std::lock_guard lock(mutex_);
    auto query = db_->Prepare(std::string("SELECT ") + kNotificationColumns +
                              " FROM notifications WHERE incident_id = ?1 ORDER BY seq");
    if (!query) return query.error();
    query->Bind(1, incident_id);
    return AllRows<alerting::OutboxEntry>(*query, &ReadNotification);
  }

  Result<std::optional<alerting::OutboxEntry>> GetNotification(const std::string& id) override {
    std::lock_guard lock(mutex_);
    auto query = db_->Prepare(std::string("SELECT ") + kNotificationColumns +
                              " FROM notifications WHERE id = ?1");
    if (!query) return query.error();
    query->Bind(1, id);
    return FirstRow<alerting::OutboxEntry>(*query, &ReadNotification);
  }

  Result<Page<alerting::OutboxEntry>> ListNotifications(const std::string& state,
                                                        const std::string& incident_id,
                                                        const std::string& receiver,
                                                        std::optional<std::int64_t> before,
                                                        std::size_t limit) override {
    std::lock_guard lock(mutex_);
    auto query = db_->Prepare(
        std::string("SELECT ") + kNotificationColumns +
        " FROM notifications WHERE (?1 = '' OR state = ?1) AND (?2 = '' OR incident_id = ?2)"
        " AND (?3 = '' OR receiver = ?3) AND seq < ?4 ORDER BY seq DESC LIMIT " +
        std::to_string(limit + 1));
    if (!query) return query.error();
    query->Bind(1, state)
        .Bind(2, incident_id)
        .Bind(3, receiver)
        .Bind(4, before.value_or(std::numeric_limits<std::int64_t>::max()));
    return ReadPage<alerting::OutboxEntry>(*query, limit, 13, &ReadNotification);
  }

  Result<std::map<std::string, std::int64_t>> CountNotifications() override {
    std::lock_guard lock(mutex_);
    auto query = db_->Prepare("SELECT state, count(*) FROM notifications GROUP BY state");
    if (!query) return query.error();
    std::map<std::string, std::int64_t> out;
    for (;;) {
      Result<bool> row = query->Step();
      if (!row) return row.error();
      if (!*row) break;
      out[query->Text(0)] = query->Int(1);
    }
    return out;
  }

  Result<std::optional<IncidentRecord>> GetIncident(const std::string& id) override {
    std::lock_guard lock(mutex_);
    return IncidentWhere("id = ?1", id);
  }

  Result<std::optional<IncidentRecord>> FindOpenIncident(const std::string& fingerprint) override {
    std::lock_guard lock(mutex_);
    return IncidentWhere("fingerprint = ?1 AND state != 'resolved'", fingerprint);
  }

  Result<std::optional<IncidentRecord>> LatestIncident(const std::string& fingerprint) override {
    std::lock_guard lock(mutex_);
    return IncidentWhere("fingerprint = ?1", fingerprint);
  }

  Result<Page<IncidentRecord>> ListIncidents(const IncidentFilter& filter,
                                             std::optional<std::int64_t> before,
                                             std::size_t limit) override {
    std::lock_guard lock(mutex_);
    std::string sql = std::string("SELECT ") + kIncidentColumns + " FROM incidents WHERE 1";
    std::vector<std::string> texts;
    std::vector<std::int64_t> numbers;
    const auto text_condition = [&](const char* column, const std::optional<std::string>& value) {
      if (!value) return;
      texts.push_back(*value);
      sql += std::string(" AND ") + column + " = ?" + std::to_string(texts.size());
    };
    text_condition("customer", filter.customer);
    text_condition("agent", filter.agent);
    text_condition("severity", filter.severity);
    text_condition("rule", filter.rule);
    if (!filter.states.empty()) {
      sql += " AND state IN (";
      for (std::size_t i = 0; i < filter.states.size(); ++i) {
        texts.push_back(filter.states[i]);
        sql += (i > 0 ? ", ?" : "?") + std::to_string(texts.size());
      }
      sql += ")";
    }
    // Numbers are bound after the texts, at indexes 100 and up.
    const auto number_condition = [&](const char* condition, std::optional<std::int64_t> value) {
      if (!value) return;
      numbers.push_back(*value);
      sql += std::string(" AND ") + condition + " ?" + std::to_string(100 + numbers.size());
    };
    number_condition("started_ms >=", filter.since_ms);
    number_condition("started_ms <", filter.until_ms);
    number_condition("seq <", before);
    sql += " ORDER BY seq DESC LIMIT " + std::to_string(limit + 1);
    auto query = db_->Prepare(sql);
    if (!query) return query.error();
    for (std::size_t i = 0; i < texts.size(); ++i) query->Bind(static_cast<int>(i + 1), texts[i]);
    for (std::size_t i = 0; i < numbers.size(); ++i) {
      query->Bind(static_cast<int>(101 + i), numbers[i]);
    }
    return ReadPage<IncidentRecord>(*query, limit, 0, &ReadIncident);
  }

  Result<std::vector<IncidentRecord>> OpenIncidents() override {
    std::lock_guard lock(mutex_);
    auto query = db_->Prepare(std::string("SELECT ") + kIncidentColumns +
                              " FROM incidents WHERE state != 'resolved' ORDER BY seq");
    if (!query) return query.error();
    return AllRows<IncidentRecord>(*query, &ReadIncident);
  }

  Status CreateFaultReport(const FaultReportRecord& report) override {
    std::lock_guard lock(mutex_);
    auto transaction = sqlite::Transaction::Begin(*db_);
    if (!transaction) return transaction.error();
    auto insert = db_->Prepare(
        "INSERT INTO fault_reports (id, kind, customer, fields, status, severity, category,"
        " reported_ms, updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    if (!insert) return insert.error();
    insert->Bind(1, report.id)
        .Bind(2, report.kind)
        .Bind(3, report.customer)
        .Bind(4, ReportFieldsToJson(report))
        .Bind(5, report.status)
        .Bind(6, report.severity)
        .Bind(7, report.category)
        .Bind(8, report.reported_ms)
        .Bind(9, report.updated_ms);
    if (Status done = insert->Run(); !done) return done;
    if (Status linked = WriteLinks(report); !linked) return linked;
    if (Status added = AddHistory(report.id, report.history); !added) return added;
    return transaction->Commit();
  }

  Status UpdateFaultReport(const FaultReportRecord& report,
                           const std::vector<ReportHistoryEntry>& new_entries) override {
    std::lock_guard lock(mutex_);
    auto transaction = sqlite::Transaction::Begin(*db_);
    if (!transaction) return transaction.error();
    auto update = db_->Prepare(
        "UPDATE fault_reports SET fields = ?2, status = ?3, severity = ?4, category = ?5,"
        " updated_ms = ?6 WHERE id = ?1");
    if (!update) return update.error();
    update->Bind(1, report.id)
        .Bind(2, ReportFieldsToJson(report))
        .Bind(3, report.status)
        .Bind(4, report.severity)
        .Bind(5, report.category)
        .Bind(6, report.updated_ms);
    if (Status done = update->Run(); !done) return done;
    if (db_->Changes() == 0) return MakeError("not_found", "no fault report with id " + report.id);
    if (Status linked = WriteLinks(report); !linked) return linked;
    if (Status added = AddHistory(report.id, new_entries); !added) return added;
    return transaction->Commit();
  }

  Result<std::optional<FaultReportRecord>> GetFaultReport(const std::string& id) override {
    std::lock_guard lock(mutex_);
    auto query =
        db_->Prepare(std::string("SELECT ") + kReportColumns + " FROM fault_reports WHERE id = ?1");
    if (!query) return query.error();
    query->Bind(1, id);
    auto found = FirstRow<FaultReportRecord>(*query, &ReadReport);
    if (!found || !found->has_value()) return found;
    if (Status filled = FillReport(**found); !filled) return filled.error();
    return found;
  }

  Result<Page<FaultReportRecord>> ListFaultReports(const FaultReportFilter& filter,
                                                   std::optional<std::int64_t> before,
                                                   std::size_t limit) override {
    std::lock_guard lock(mutex_);
    auto query = db_->Prepare(
        std::string("SELECT ") + kReportColumns +
        " FROM fault_reports WHERE (?1 = '' OR customer = ?1) AND (?2 = '' OR kind = ?2)"
        " AND (?3 = '' OR status = ?3) AND (?4 = '' OR severity = ?4)"
        " AND (?5 = '' OR category = ?5) AND reported_ms >= ?6 AND reported_ms < ?7"
        " AND seq < ?8 ORDER BY seq DESC LIMIT " +
        std::to_string(limit + 1));
    if (!query) return query.error();
    query->Bind(1, filter.customer.value_or(""))
        .Bind(2, filter.kind.value_or(""))
        .Bind(3, filter.status.value_or(""))
        .Bind(4, filter.severity.value_or(""))
        .Bind(5, filter.category.value_or(""))
        .Bind(6, filter.since_ms.value_or(std::numeric_limits<std::int64_t>::min()))
        .Bind(7, filter.until_ms.value_or(std::numeric_limits<std::int64_t>::max()))
        .Bind(8, before.value_or(std::numeric_limits<std::int64_t>::max()));
    auto page = ReadPage<FaultReportRecord>(*query, limit, 0, &ReadReport);
    if (!page) return page;
    for (FaultReportRecord& report : page->items) {
      if (Status filled = FillReport(report); !filled) return filled.error();
    }
    return page;
  }

  Result<std::vector<FaultReportRecord>> OpenFaultReports() override {
    std::lock_guard lock(mutex_);
    auto query = db_->Prepare(std::string("SELECT ") + kReportColumns +
                              " FROM fault_reports WHERE status NOT IN ('resolved', 'closed')"
                              " ORDER BY seq");
    if (!query) return query.error();
    auto reports = AllRows<FaultReportRecord>(*query, &ReadReport);
    if (!reports) return reports;
    for (FaultReportRecord& report : *reports) {
      if (Status filled = FillReport(report); !filled) return filled.error();
    }
    return reports;
  }

  Result<std::vector<SlaEventCount>> CountSlaEvents() override {
    std::lock_guard lock(mutex_);
    auto query = db_->Prepare(
        "SELECT r.customer, r.kind, r.severity, e.event, COUNT(*) FROM sla_events e"
        " JOIN fault_reports r ON r.id = e.item GROUP BY 1, 2, 3, 4"
        " UNION ALL "
        "SELECT i.customer, 'incident', i.severity, e.event, COUNT(*) FROM sla_events e"
        " JOIN incidents i ON i.id = e.item GROUP BY 1, 2, 3, 4");
    if (!query) return query.error();
    return AllRows<SlaEventCount>(*query, [](const sqlite::Statement& row) {
      return SlaEventCount{row.Text(0), row.Text(1), row.Text(2), row.Text(3), row.Int(4)};
    });
  }

  Result<std::vector<SatisfactionTotal>> SatisfactionSince(std::int64_t since_ms) override {
    std::lock_guard lock(mutex_);
    auto query = db_->Prepare(
        "SELECT customer, SUM(json_extract(fields, '$.satisfaction_score')), COUNT(*)"
        " FROM fault_reports WHERE json_extract(fields, '$.satisfaction_score') IS NOT NULL"
        " AND json_extract(fields, '$.satisfaction_ms') >= ?1 GROUP BY customer");
    if (!query) return query.error();
    query->Bind(1, since_ms);
    return AllRows<SatisfactionTotal>(*query, [](const sqlite::Statement& row) {
      return SatisfactionTotal{row.Text(0), static_cast<double>(row.Int(1)), row.Int(2)};
    });
  }

  Result<std::vector<std::string>> ReportsOfIncident(const std::string& incident_id) override {
    std::lock_guard lock(mutex_);
    auto query = db_->Prepare(
        "SELECT report_id FROM fault_report_incidents WHERE incident_id = ?1 ORDER BY report_id");
    if (!query) return query.error();
    query->Bind(1, incident_id);
    return AllRows<std::string>(*query, [](const sqlite::Statement& row) { return row.Text(0); });
  }

  Result<bool> MarkSlaEvent(const std::string& item, const std::string& event, std::int64_t at_ms,
                            const std::string& note,
                            const std::vector<alerting::OutboxEntry>& notifications) override {
    std::lock_guard lock(mutex_);
    auto transaction = sqlite::Transaction::Begin(*db_);
    if (!transaction) return transaction.error();
    auto insert =
        db_->Prepare("INSERT OR IGNORE INTO sla_events (item, event, at_ms) VALUES (?1, ?2, ?3)");
    if (!insert) return insert.error();
    insert->Bind(1, item).Bind(2, event).Bind(3, at_ms);
    if (Status done = insert->Run(); !done) return done.error();
    if (db_->Changes() == 0) return false;
    if (!note.empty()) {
      if (Status noted = AddItemEntries(item, {{at_ms, "sla", "system", note}}); !noted) {
        return noted.error();
      }
    }
    if (Status queued = AddNotifications(notifications); !queued) return queued.error();
    if (Status committed = transaction->Commit(); !committed) return committed.error();
    return true;
  }

  Status PutSecurityFinding(const SecurityFindingRecord& f) override {
    std::lock_guard lock(mutex_);
    auto upsert = db_->Prepare(
        "INSERT INTO security_findings (customer, agent, check_id, key, severity, title, evidence,"
        " remediation, first_seen_ms, last_seen_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
        "?10)"
        " ON CONFLICT (customer, agent, check_id, key) DO UPDATE SET severity = excluded.severity,"
        " title = excluded.title, evidence = excluded.evidence, remediation = excluded.remediation,"
        " last_seen_ms = excluded.last_seen_ms");
    if (!upsert) return upsert.error();
    upsert->Bind(1, f.customer)
        .Bind(2, f.agent)
        .Bind(3, f.check)
        .Bind(4, f.key)
        .Bind(5, f.severity)
        .Bind(6, f.title)
        .Bind(7, f.evidence)
        .Bind(8, f.remediation)
        .Bind(9, f.first_seen_ms)
        .Bind(10, f.last_seen_ms);
    return upsert->Run();
  }

  Status DeleteSecurityFinding(const std::string& customer, const std::string& agent,
                               const std::string& check, const std::string& key) override {
    std::lock_guard lock(mutex_);
    auto remove = db_->Prepare(
        "DELETE FROM security_findings WHERE customer = ?1 AND agent = ?2 AND check_id = ?3"
        " AND key = ?4");
    if (!remove) return remove.error();
    remove->Bind(1, customer).Bind(2, agent).Bind(3, check).Bind(4, key);
    return remove->Run();
  }

  Result<std::vector<SecurityFindingRecord>> SecurityFindingsOf(const std::string& customer,
                                                                const std::string& agent) override {
    std::lock_guard lock(mutex_);
    auto query = db_->Prepare(
        "SELECT customer, agent, check_id, key, severity, title, evidence, remediation,"
        " first_seen_ms, last_seen_ms FROM security_findings WHERE customer = ?1 AND agent = ?2"
        " ORDER BY check_id, key");
    if (!query) return query.error();
    query->Bind(1, customer).Bind(2, agent);
    return AllRows<SecurityFindingRecord>(*query, [](const sqlite::Statement& r) {
      return SecurityFindingRecord{r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4),
                                   r.Text(5), r.Text(6), r.Text(7), r.Int(8),  r.Int(9)};
    });
  }

  Status CreateSilence(const SilenceRecord& silence) override {
    std::lock_guard lock(mutex_);
    auto insert = db_->Prepare(
        "INSERT INTO silences (id, matchers, starts_ms, ends_ms, comment, created_by, created_ms)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!insert) return insert.error();
    insert->Bind(1, silence.id)
        .Bind(2, MatchersToJson(silence.matchers))
        .Bind(3, silence.starts_ms)
        .Bind(4, silence.ends_ms)
        .Bind(5, silence.comment)
        .Bind(6, silence.created_by)
        .Bind(7, silence.created_ms);
    return insert->Run();
  }

  Status SetSilenceEnd(const std::string& id, std::int64_t ends_ms) override {
    std::lock_guard lock(mutex_);
    auto update = db_->Prepare("UPDATE silences SET ends_ms = ?2 WHERE id = ?1");
    if (!update) return update.error();
    update->Bind(1, id).Bind(2, ends_ms);
    if (Status done = update->Run(); !done) return done;
    if (db_->Changes() == 0) return MakeError("not_found", "no silence with id " + id);
    return OkStatus();
  }

  Result<std::vector<SilenceRecord>> ListSilences() override {
    std::lock_guard lock(mutex_);
    auto query = db_->Prepare(
        "SELECT id, matchers, starts_ms, ends_ms, comment, created_by, created_ms FROM silences"
        " ORDER BY seq DESC");
    if (!query) return query.error();
    return AllRows<SilenceRecord>(*query, [](const sqlite::Statement& row) {
      return SilenceRecord{row.Text(0), MatchersFromJson(row.Text(1)),
                           row.Int(2),  row.Int(3),
                           row.Text(4), row.Text(5),
                           row.Int(6)};
    });
  }

  Status SaveRuleState(const alerting::SeriesStateRecord& state) override {
    std::lock_guard lock(mutex_);
    auto upsert = db_->Prepare(
        "INSERT OR REPLACE INTO rule_states (fingerprint, rule, series_key, labels, state,"
        " active_since_ms, cleared_ms, value, severity) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
        "?9)");
    if (!upsert) return upsert.error();
    upsert->Bind(1, state.fingerprint)
        .Bind(2, state.rule)
        .Bind(3, state.series_key)
        .Bind(4, LabelsToJson(state.labels))
        .Bind(5, alerting::AlertStateName(state.state))
        .Bind(6, ToMs(state.active_since))
        .Bind(9, alerting::SeverityName(state.severity));
    BindOptional(
        *upsert, 7,
        state.cleared_at ? std::optional<std::int64_t>(ToMs(*state.cleared_at)) : std::nullopt);
    if (std::isnan(state.value)) {
      upsert->BindNull(8);
    } else {
      upsert->BindDouble(8, state.value);
    }
    return upsert->Run();
  }

  Status DeleteRuleState(const std::string& fingerprint) override {
    std::lock_guard lock(mutex_);
    auto erase = db_->Prepare("DELETE FROM rule_states WHERE fingerprint = ?1");
    if (!erase) return erase.error();
    erase->Bind(1, fingerprint);
    return erase->Run();
  }

  Result<std::vector<alerting::SeriesStateRecord>> LoadRuleStates() override {
    std::lock_guard lock(mutex_);
    auto query = db_->Prepare(
        "SELECT fingerprint, rule, series_key, labels, state, active_since_ms, cleared_ms, value,"
        " severity FROM rule_states ORDER BY rule, fingerprint");
    if (!query) return query.error();
    return AllRows<alerting::SeriesStateRecord>(*query, [](const sqlite::Statement& row) {
      alerting::SeriesStateRecord state;
      state.fingerprint = row.Text(0);
      state.rule = row.Text(1);
      state.series_key = row.Text(2);
      state.labels = LabelsFromJson(row.Text(3));
      state.state =
          row.Text(4) == "firing" ? alerting::AlertState::kFiring : alerting::AlertState::kPending;
      state.active_since = FromMs(row.Int(5));
      if (!row.IsNull(6)) state.cleared_at = FromMs(row.Int(6));
      state.value = row.IsNull(7) ? NAN : row.Double(7);
      state.severity = alerting::ParseSeverity(row.Text(8)).value_or(alerting::Severity::kHigh);
      return state;
    });
  }

 private:
  template <typename T, typename Read>
  static Result<std::optional<T>> FirstRow(sqlite::Statement& query, Read read) {
    Result<bool> row = query.Step();
    if (!row) return row.error();
    if (!*row) return std::optional<T>();
    return std::optional<T>(read(query));
  }

  // Up to `limit` rows of a query that asked for limit + 1; `next` is the seq (in column
  // `seq_column`) of the last row returned when there were more.
  template <typename T, typename Read>
  static Result<Page<T>> ReadPage(sqlite::Statement& query, std::size_t limit, int seq_column,
                                  Read read) {
    Page<T> page;
    std::int64_t last_seq = 0;
    for (;;) {
      Result<bool> row = query.Step();
      if (!row) return row.error();
      if (!*row) break;
      if (page.items.size() == limit) {
        page.next = last_seq;
        break;
      }
      last_seq = query.Int(seq_column);
      page.items.push_back(read(query));
    }
    return page;
  }

  template <typename T, typename Read>
  static Result<std::vector<T>> AllRows(sqlite::Statement& query, Read read) {
    std::vector<T> out;
    for (;;) {
      Result<bool> row = query.Step();
      if (!row) return row.error();
      if (!*row) break;
      out.push_back(read(query));
    }
    return out;
  }

  // Binds state, severity and the acknowledgement, resolution and silence fields at the
  // parameter numbers of the INSERT and UPDATE above (?5, ?6 and ?14 to ?20).
  static void BindIncidentFields(sqlite::Statement& statement, const IncidentRecord& incident,
                                 int state_index) {
    statement.Bind(state_index, incident.state).Bind(state_index + 1, incident.severity);
    BindOptional(statement, 14, incident.acknowledged_ms);
    BindOptional(statement, 15, incident.resolved_ms);
    BindOptional(statement, 16, incident.acknowledged_by);
    BindOptional(statement, 17, incident.resolved_by);
    statement.Bind(18, incident.silenced ? 1 : 0).Bind(20, incident.updated_ms);
  }

  Result<std::int64_t> SeqOf(const std::string& id) {
    auto query = db_->Prepare("SELECT seq FROM incidents WHERE id = ?1");
    if (!query) return query.error();
    query->Bind(1, id);
    Result<bool> row = query->Step();
    if (!row) return row.error();
    if (!*row) return MakeError("not_found", "no incident with id " + id);
    return query->Int(0);
  }

  Status WriteLinks(const FaultReportRecord& report) {
    for (const std::string& incident : report.incidents) {
      auto insert = db_->Prepare(
          "INSERT OR IGNORE INTO fault_report_incidents (report_id, incident_id) VALUES (?1, ?2)");
      if (!insert) return insert.error();
      insert->Bind(1, report.id).Bind(2, incident);
      if (Status done = insert->Run(); !done) return done;
    }
    return OkStatus();
  }

  Status AddHistory(const std::string& report_id, const std::vector<ReportHistoryEntry>& entries) {
    for (const ReportHistoryEntry& entry : entries) {
      auto insert =
          db_->Prepare("INSERT INTO fault_report_history (report_id, entry) VALUES (?1, ?2)");
      if (!insert) return insert.error();
      insert->Bind(1, report_id).Bind(2, HistoryToJson(entry));
      if (Status done = insert->Run(); !done) return done;
    }
    return OkStatus();
  }

  // Adds the history and the incident links to a report read from its row.
  Status FillReport(FaultReportRecord& report) {
    auto history =
        db_->Prepare("SELECT entry FROM fault_report_history WHERE report_id = ?1 ORDER BY n");
    if (!history) return history.error();
    history->Bind(1, report.id);
    auto entries = AllRows<ReportHistoryEntry>(
        *history, [](const sqlite::Statement& row) { return HistoryFromJson(row.Text(0)); });
    if (!entries) return entries.error();
    report.history = std::move(*entries);
    auto links = db_->Prepare(
        "SELECT incident_id FROM fault_report_incidents WHERE report_id = ?1 ORDER BY incident_id");
    if (!links) return links.error();
    links->Bind(1, report.id);
    auto incidents =
        AllRows<std::string>(*links, [](const sqlite::Statement& row) { return row.Text(0); });
    if (!incidents) return incidents.error();
    report.incidents = std::move(*incidents);
    return OkStatus();
  }

  Status AddNotifications(const std::vector<alerting::OutboxEntry>& entries) {
    for (const alerting::OutboxEntry& entry : entries) {
      auto insert = db_->Prepare(
          "INSERT INTO notifications (id, incident_id, receiver, event, body, created_ms,"
          " attempts, next_attempt_ms, state) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
      if (!insert) return insert.error();
      insert->Bind(1, entry.id)
          .Bind(2, entry.incident_id)
          .Bind(3, entry.receiver)
          .Bind(4, entry.event)
          .Bind(5, entry.body)
          .Bind(6, entry.created_ms)
          .Bind(7, static_cast<std::int64_t>(entry.attempts))
          .Bind(8, entry.next_attempt_ms)
          .Bind(9, entry.state);
      if (Status done = insert->Run(); !done) return done;
    }
    return OkStatus();
  }

  // Entries on an incident's timeline, or as notes on a fault report's history.
  Status AddItemEntries(const std::string& item, const std::vector<TimelineEntry>& entries) {
    if (entries.empty()) return OkStatus();
    if (item.rfind("fr-", 0) == 0) {
      std::vector<ReportHistoryEntry> history;
      for (const TimelineEntry& entry : entries) {
        ReportHistoryEntry noted;
        noted.at_ms = entry.at_ms;
        noted.actor = entry.actor;
        noted.note = entry.text;
        history.push_back(std::move(noted));
      }
      return AddHistory(item, history);
    }
    auto seq = SeqOf(item);
    if (!seq) return seq.error();
    return AddTimeline(*seq, entries);
  }

  Status AddTimeline(std::int64_t seq, const std::vector<TimelineEntry>& entries) {
    for (const TimelineEntry& entry : entries) {
      auto insert = db_->Prepare(
          "INSERT INTO incident_timeline (incident_seq, at_ms, type, actor, text)"
          " VALUES (?1, ?2, ?3, ?4, ?5)");
      if (!insert) return insert.error();
      insert->Bind(1, seq)
          .Bind(2, entry.at_ms)
          .Bind(3, entry.type)
          .Bind(4, entry.actor)
          .Bind(5, entry.text);
      if (Status done = insert->Run(); !done) return done;
    }
    return OkStatus();
  }

  // The newest incident WHERE `condition` (with ?1 = argument), with its timeline.
  Result<std::optional<IncidentRecord>> IncidentWhere(const std::string& condition,
                                                      const std::string& argument) {
    auto query = db_->Prepare(std::string("SELECT ") + kIncidentColumns + " FROM incidents WHERE " +
                              condition + " ORDER BY seq DESC LIMIT 1");
    if (!query) return query.error();
    query->Bind(1, argument);
    Result<bool> row = query->Step();
    if (!row) return row.error();
    if (!*row) return std::optional<IncidentRecord>();
    const std::int64_t seq = query->Int(0);
    IncidentRecord incident = ReadIncident(*query);
    auto timeline = db_->Prepare(
        "SELECT at_ms, type, actor, text FROM incident_timeline WHERE incident_seq = ?1 ORDER BY "
        "n");
    if (!timeline) return timeline.error();
    timeline->Bind(1, seq);
    auto entries = AllRows<TimelineEntry>(*timeline, [](const sqlite::Statement& r) {
      return TimelineEntry{r.Int(0), r.Text(1), r.Text(2), r.Text(3)};
    });
    if (!entries) return entries.error();
    incident.timeline = std::move(*entries);
    return std::optional<IncidentRecord>(std::move(incident));
  }

  std::mutex mutex_;
  std::unique_ptr<sqlite::Database> db_;  // guarded by mutex_
};

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path) {
  auto db = sqlite::Database::Open(path);
  if (!db) return db.error();
  if (Status migrated = (*db)->Migrate(kMigrations); !migrated) return migrated.error();
  return std::unique_ptr<Store>(std::make_unique<SqliteStore>(std::move(*db)));
}

}  // namespace vigil::collector
