#pragma once
// The collector's durable state behind one interface, so that engines (SQLite now, PostgreSQL
// later) are interchangeable. Implementations are thread-safe; every call that returns success has
// committed durably (it survives kill -9). Times are milliseconds since the Unix epoch.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "alerting/delivery.h"
#include "alerting/rule_engine.h"
#include "common/result.h"

namespace vigil::collector {

using StringPairs = std::vector<std::pair<std::string, std::string>>;

struct TokenRecord {
  std::string id;
  std::string customer;  // enrollment tokens: the customer its agents belong to
  std::int64_t created_ms = 0;
  std::optional<std::int64_t> revoked_ms;
  std::string kind = "enrollment";  // "enrollment" or "api"
  std::string role;                 // api tokens: "viewer", "operator" or "admin"
  std::string name;                 // api tokens: who or what uses it
};

struct AgentRecord {
  std::string customer;
  std::string agent_id;
  std::string hostname;
  std::string version;
  std::uint64_t last_sequence = 0;    // highest batch sequence applied
  std::uint64_t batches_applied = 0;  // batches applied, ever
  std::int64_t last_seen_ms = 0;
  StringPairs labels;                      // from its last Hello
  std::optional<std::int64_t> goodbye_ms;  // it said Goodbye then, and has not said Hello since
};

enum class BatchOutcome { kApplied, kDuplicate };

struct TimelineEntry {
  std::int64_t at_ms = 0;
  std::string type;   // fired, acknowledged, resolved, reopened, note, silenced, unsilenced, ...
  std::string actor;  // "rule", "user NAME" or "system"
  std::string text;
};

struct IncidentRecord {
  std::string id;
  std::string source = "rule";  // "rule" or "manual"
  std::string rule;
  std::string fingerprint;
  std::string state = "firing";  // firing, acknowledged, resolved
  std::string severity;
  std::string customer;
  std::string agent;
  StringPairs labels;
  StringPairs annotations;
  std::string summary;
  std::optional<double> value;
  std::int64_t started_ms = 0;
  std::optional<std::int64_t> acknowledged_ms;
  std::optional<std::int64_t> resolved_ms;
  std::optional<std::string> acknowledged_by;
  std::optional<std::string> resolved_by;
  bool silenced = false;
  std::optional<std::string> previous_id;
  std::int64_t updated_ms = 0;          // the last recorded change; an `at` before it is refused
  std::vector<TimelineEntry> timeline;  // oldest first
};

struct IncidentFilter {
  std::vector<std::string> states;  // any of these; empty: all
  std::optional<std::string> customer;
  std::optional<std::string> agent;
  std::optional<std::string> severity;
  std::optional<std::string> rule;
  std::optional<std::int64_t> since_ms;  // started_at >= since
  std::optional<std::int64_t> until_ms;  // started_at < until
};

// One page of a list, newest first; `next` continues it when there is more.
template <typename T>
struct Page {
  std::vector<T> items;
  std::optional<std::int64_t> next;
};

struct SilenceMatcher {
  std::string name;
  std::string op;  // =, !=, =~, !~
  std::string value;
};

// A fault report's history entry: a transition (from and to set), a note, a field change or a
// rating.
struct ReportHistoryEntry {
  std::int64_t at_ms = 0;
  std::string from;  // status before, for transitions
  std::string to;    // status after, for transitions
  std::string actor;
  std::string note;
  // Field -> (old, new), for edits.
  std::map<std::string, std::pair<std::string, std::string>> changes;
};

struct FaultReportRecord {
  std::string id;              // "fr-…"
  std::string kind = "fault";  // fault, consultation, complaint
  std::string customer;
  std::string title;
  std::string symptom;
  std::string category;
  std::string severity = "medium";
  std::string channel = "monitoring";  // monitoring, phone, email, web, onsite
  std::string reporter_name;
  std::string reporter_contact;
  std::string assignee_team;
  std::string assignee_person;
  std::string status = "new";
  std::int64_t occurred_ms = 0;
  std::int64_t reported_ms = 0;
  std::optional<std::int64_t> first_response_ms;
  std::optional<std::int64_t> resolved_ms;
  std::optional<std::int64_t> closed_ms;
  std::string root_cause;
  std::string resolution;
  std::string prevention;
  std::optional<int> satisfaction_score;
  std::string satisfaction_comment;
  std::optional<std::int64_t> satisfaction_ms;
  std::vector<std::string> incidents;  // linked incident ids
  std::int64_t updated_ms = 0;
  std::vector<ReportHistoryEntry> history;  // oldest first
};

struct FaultReportFilter {
  std::optional<std::string> customer;
  std::optional<std::string> kind;
  std::optional<std::string> status;
  std::optional<std::string> severity;
  std::optional<std::string> category;
  std::optional<std::int64_t> since_ms;  // reported_at >= since
  std::optional<std::int64_t> until_ms;  // reported_at < until
};

struct SlaEventCount {
  std::string customer;
  std::string kind;  // incident, fault, consultation, complaint
  std::string severity;
  std::string event;  // response_at_risk, response_breached, resolution_at_risk, ...
  std::int64_t count = 0;
};

// A security finding an agent reported and has not cleared (docs/security-checks.md).
struct SecurityFindingRecord {
  std::string customer;
  std::string agent;
  std::string check;
  std::string key;
  std::string severity;
  std::string title;
  std::string evidence;
  std::string remediation;
  std::int64_t first_seen_ms = 0;
  std::int64_t last_seen_ms = 0;
};

struct SatisfactionTotal {
  std::string customer;
  double sum = 0;
  std::int64_t count = 0;
};

struct SilenceRecord {
  std::string id;
  std::vector<SilenceMatcher> matchers;
  std::int64_t starts_ms = 0;
  std::int64_t ends_ms = 0;
  std::string comment;
  std::string created_by;
  std::int64_t created_ms = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Tokens are looked up by the hash of their text; the text itself is never stored.
  virtual Status AddToken(const TokenRecord& token, const std::string& token_hash) = 0;
  virtual Result<std::optional<TokenRecord>> FindToken(const std::string& token_hash) = 0;
  virtual Result<std::vector<TokenRecord>> ListTokens() = 0;
  // Error "not_found" for an unknown id; revoking twice keeps the first time.
  virtual Status RevokeToken(const std::string& id, std::int64_t at_ms) = 0;

  // Creates or updates the agent (hostname, version, labels, last seen; clears its Goodbye) and
  // returns its progress.
  virtual Result<AgentRecord> RecordHello(const std::string& customer, const std::string& agent_id,
                                          const std::string& hostname, const std::string& version,
                                          std::int64_t at_ms, const StringPairs& labels = {}) = 0;
  // Marks batch `sequence` of the agent applied: kApplied (and counted) when it is beyond the last
  // applied sequence, kDuplicate otherwise. The agent must have said Hello before.
  virtual Result<BatchOutcome> RecordBatch(const std::string& customer, const std::string& agent_id,
                                           std::uint64_t sequence, std::int64_t at_ms) = 0;
  // The agent said Goodbye: a planned stop.
  virtual Status RecordGoodbye(const std::string& customer, const std::string& agent_id,
                               std::int64_t at_ms) = 0;
  virtual Result<std::vector<AgentRecord>> ListAgents() = 0;

  // Incidents with their timelines. Create writes the incident and its timeline; Update writes
  // the incident's fields and appends `new_entries` to its timeline. Both queue the
  // notifications the change causes (the outbox) in the same transaction.
  virtual Status CreateIncident(const IncidentRecord& incident,
                                const std::vector<alerting::OutboxEntry>& notifications = {}) = 0;
  virtual Status UpdateIncident(const IncidentRecord& incident,
                                const std::vector<TimelineEntry>& new_entries,
                                const std::vector<alerting::OutboxEntry>& notifications = {}) = 0;
  // Appends to a timeline without changing the incident (and without moving its updated_ms:
  // notification attempts are not changes a person's `at` must follow).
  virtual Status AppendTimeline(const std::string& incident_id,
                                const std::vector<TimelineEntry>& entries,
                                const std::vector<alerting::OutboxEntry>& notifications = {}) = 0;
  virtual Result<std::optional<IncidentRecord>> GetIncident(const std::string& id) = 0;
  // The incident with this fingerprint that is not resolved, if any.
  virtual Result<std::optional<IncidentRecord>> FindOpenIncident(
      const std::string& fingerprint) = 0;
  // The newest incident with this fingerprint, open or not.
  virtual Result<std::optional<IncidentRecord>> LatestIncident(const std::string& fingerprint) = 0;
  // Newest first; `before` continues after a page (from Page::next). Timelines are left empty.
  virtual Result<Page<IncidentRecord>> ListIncidents(const IncidentFilter& filter,
                                                     std::optional<std::int64_t> before,
                                                     std::size_t limit) = 0;
  // Every incident not resolved (timelines left empty).
  virtual Result<std::vector<IncidentRecord>> OpenIncidents() = 0;

  // Fault reports with their history and incident links. Update writes the report's fields and
  // links and appends `new_entries`, in one transaction.
  virtual Status CreateFaultReport(const FaultReportRecord& report) = 0;
  virtual Status UpdateFaultReport(const FaultReportRecord& report,
                                   const std::vector<ReportHistoryEntry>& new_entries) = 0;
  virtual Result<std::optional<FaultReportRecord>> GetFaultReport(const std::string& id) = 0;
  // Newest first by when it was stored; with histories.
  virtual Result<Page<FaultReportRecord>> ListFaultReports(const FaultReportFilter& filter,
                                                           std::optional<std::int64_t> before,
                                                           std::size_t limit) = 0;
  // Every report not resolved or closed, oldest first, with histories.
  virtual Result<std::vector<FaultReportRecord>> OpenFaultReports() = 0;
  // The reports linked to an incident.
  virtual Result<std::vector<std::string>> ReportsOfIncident(const std::string& incident_id) = 0;

  // Marks an SLA event (an item at risk, or breached) of an incident ("inc-…") or a fault report
  // ("fr-…") once: the mark, `note` on the item's timeline or history (none when empty) and the
  // notifications it causes, in one transaction. false, and nothing written, when it was marked
  // already: "escalate once" holds across restarts.
  virtual Result<bool> MarkSlaEvent(
      const std::string& item, const std::string& event, std::int64_t at_ms,
      const std::string& note = {},
      const std::vector<alerting::OutboxEntry>& notifications = {}) = 0;

  // How many SLA events of each kind were marked, by the item's customer, kind and severity.
  virtual Result<std::vector<SlaEventCount>> CountSlaEvents() = 0;
  // Per customer, the sum and number of satisfaction ratings given at or after `since_ms`.
  virtual Result<std::vector<SatisfactionTotal>> SatisfactionSince(std::int64_t since_ms) = 0;

  // Agents' current security findings. Put adds or replaces one (keeping when it was first seen).
  virtual Status PutSecurityFinding(const SecurityFindingRecord& finding) = 0;
  virtual Status DeleteSecurityFinding(const std::string& customer, const std::string& agent,
                                       const std::string& check, const std::string& key) = 0;
  // By check, then key.
  virtual Result<std::vector<SecurityFindingRecord>> SecurityFindingsOf(
      const std::string& customer, const std::string& agent) = 0;

  virtual Status CreateSilence(const SilenceRecord& silence) = 0;
  // Error "not_found" for an unknown id.
  virtual Status SetSilenceEnd(const std::string& id, std::int64_t ends_ms) = 0;
  virtual Result<std::vector<SilenceRecord>> ListSilences() = 0;

  // The outbox. Record writes an attempt's outcome (and its entries on the timeline of the
  // incident, or the history of the fault report, it is about) in one transaction.
  virtual Status RecordNotification(const alerting::OutboxEntry& entry,
                                    const std::vector<TimelineEntry>& timeline) = 0;
  virtual Result<std::vector<alerting::OutboxEntry>> PendingNotifications() = 0;
  virtual Result<std::vector<alerting::OutboxEntry>> NotificationsOf(
      const std::string& incident_id) = 0;
  virtual Result<std::optional<alerting::OutboxEntry>> GetNotification(const std::string& id) = 0;
  // Newest first; filters are optional (empty: any).
  virtual Result<Page<alerting::OutboxEntry>> ListNotifications(const std::string& state,
                                                                const std::string& incident_id,
                                                                const std::string& receiver,
                                                                std::optional<std::int64_t> before,
                                                                std::size_t limit) = 0;
  // Counts by state ("pending", "delivered", "dead").
  virtual Result<std::map<std::string, std::int64_t>> CountNotifications() = 0;

  // Pending and firing rule states, kept so that a restart resumes their timers.
  virtual Status SaveRuleState(const alerting::SeriesStateRecord& state) = 0;
  virtual Status DeleteRuleState(const std::string& fingerprint) = 0;
  virtual Result<std::vector<alerting::SeriesStateRecord>> LoadRuleStates() = 0;
};

// Opens or creates the SQLite store (WAL, synchronous=FULL), migrating its schema.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path);

}  // namespace vigil::collector
