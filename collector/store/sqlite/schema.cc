// The SQLite store's schema. Append only: each entry moves the schema one version forward, and
// a database newer than this list is refused.

#include "collector/store/sqlite/engine.h"

namespace vigil::collector::sqlite_store {
namespace {

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

}  // namespace

const std::vector<std::string_view>& Migrations() { return kMigrations; }

}  // namespace vigil::collector::sqlite_store
