#include "tests/support/fake_store.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <tuple>

namespace vigil::testing {

using namespace collector;  // NOLINT: the fake names every record type of the store

namespace {

template <typename T>
struct Row {
  std::int64_t seq = 0;
  T value;
};

// Newest first from before `before`, up to `limit`; `next` when more remain.
template <typename T, typename Keep>
Page<T> PageOf(const std::vector<Row<T>>& rows, std::optional<std::int64_t> before,
               std::size_t limit, Keep keep) {
  Page<T> page;
  const std::int64_t bound = before.value_or(std::numeric_limits<std::int64_t>::max());
  std::int64_t last_seq = 0;
  for (auto it = rows.rbegin(); it != rows.rend(); ++it) {
    if (it->seq >= bound || !keep(it->value)) continue;
    if (page.items.size() == limit) {
      page.next = last_seq;
      break;
    }
    last_seq = it->seq;
    page.items.push_back(it->value);
  }
  return page;
}

}  // namespace

struct FakeStore::Data {
  std::mutex mutex;
  int failing_writes = 0;
  std::int64_t next_seq = 1;

  std::vector<std::pair<std::string, TokenRecord>> tokens;  // by hash
  std::map<std::pair<std::string, std::string>, AgentRecord> agents;
  std::vector<Row<IncidentRecord>> incidents;
  std::vector<Row<FaultReportRecord>> reports;
  std::set<std::pair<std::string, std::string>> report_links;  // (report, incident)
  std::set<std::pair<std::string, std::string>> sla_events;    // (item, event)
  std::map<std::tuple<std::string, std::string, std::string, std::string>, SecurityFindingRecord>
      findings;
  std::vector<SilenceRecord> silences;  // oldest first
  std::vector<Row<alerting::OutboxEntry>> outbox;
  std::map<std::string, alerting::SeriesStateRecord> rule_states;

  // Under mutex: whether this write is one that FailNextWrites asked to fail.
  bool WriteFails() {
    if (failing_writes == 0) return false;
    --failing_writes;
    return true;
  }
  static Error Unavailable() {
    return MakeError(ErrorCode::kUnavailable, "the fake store fails this write");
  }

  Row<IncidentRecord>* Incident(const std::string& id) {
    for (auto& row : incidents) {
      if (row.value.id == id) return &row;
    }
    return nullptr;
  }
  Row<FaultReportRecord>* Report(const std::string& id) {
    for (auto& row : reports) {
      if (row.value.id == id) return &row;
    }
    return nullptr;
  }
  void Queue(const std::vector<alerting::OutboxEntry>& entries) {
    for (const auto& entry : entries) outbox.push_back({next_seq++, entry});
  }
  FaultReportRecord WithLinks(FaultReportRecord report) const {
    report.incidents.clear();
    for (const auto& [report_id, incident] : report_links) {
      if (report_id == report.id) report.incidents.push_back(incident);
    }
    return report;
  }
  void Link(const FaultReportRecord& report) {
    for (const std::string& incident : report.incidents) report_links.insert({report.id, incident});
  }
  Status NoteOnReport(const std::string& id, const std::vector<ReportHistoryEntry>& entries) {
    Row<FaultReportRecord>* row = Report(id);
    if (row == nullptr) return OkStatus();  // as SQLite: history rows need no report row
    for (const auto& entry : entries) row->value.history.push_back(entry);
    return OkStatus();
  }
  Status NoteOnIncident(const std::string& id, const std::vector<TimelineEntry>& entries) {
    if (entries.empty()) return OkStatus();
    Row<IncidentRecord>* row = Incident(id);
    if (row == nullptr) return MakeError(ErrorCode::kNotFound, "no incident with id " + id);
    for (const auto& entry : entries) row->value.timeline.push_back(entry);
    return OkStatus();
  }
};

namespace {

class Tokens final : public TokenStore {
 public:
  explicit Tokens(FakeStore::Data& d) : d_(d) {}
  Status AddToken(const TokenRecord& token, const std::string& token_hash) override {
    std::lock_guard lock(d_.mutex);
    if (d_.WriteFails()) return FakeStore::Data::Unavailable();
    for (const auto& [hash, existing] : d_.tokens) {
      if (hash == token_hash || existing.id == token.id) {
        return MakeError(ErrorCode::kStoreFailed, "UNIQUE constraint failed: tokens");
      }
    }
    d_.tokens.emplace_back(token_hash, token);
    return OkStatus();
  }
  Result<std::optional<TokenRecord>> FindToken(const std::string& token_hash) override {
    std::lock_guard lock(d_.mutex);
    for (const auto& [hash, token] : d_.tokens) {
      if (hash == token_hash) return std::optional<TokenRecord>(token);
    }
    return std::optional<TokenRecord>();
  }
  Result<std::vector<TokenRecord>> ListTokens() override {
    std::lock_guard lock(d_.mutex);
    std::vector<TokenRecord> out;
    for (const auto& [hash, token] : d_.tokens) out.push_back(token);
    std::sort(out.begin(), out.end(), [](const TokenRecord& a, const TokenRecord& b) {
      return std::tie(a.created_ms, a.id) < std::tie(b.created_ms, b.id);
    });
    return out;
  }
  Status RevokeToken(const std::string& id, std::int64_t at_ms) override {
    std::lock_guard lock(d_.mutex);
    if (d_.WriteFails()) return FakeStore::Data::Unavailable();
    for (auto& [hash, token] : d_.tokens) {
      if (token.id != id) continue;
      if (!token.revoked_ms) token.revoked_ms = at_ms;
      return OkStatus();
    }
    return MakeError(ErrorCode::kNotFound, "no token with id " + id);
  }

 private:
  FakeStore::Data& d_;
};

class Agents final : public AgentStore {
 public:
  explicit Agents(FakeStore::Data& d) : d_(d) {}
  Result<AgentRecord> RecordHello(const std::string& customer, const std::string& agent_id,
                                  const std::string& hostname, const std::string& version,
                                  std::int64_t at_ms, const StringPairs& labels) override {
    std::lock_guard lock(d_.mutex);
    if (d_.WriteFails()) return FakeStore::Data::Unavailable();
    AgentRecord& agent = d_.agents[{customer, agent_id}];
    agent.customer = customer;
    agent.agent_id = agent_id;
    agent.hostname = hostname;
    agent.version = version;
    agent.last_seen_ms = at_ms;
    agent.labels = labels;
    agent.goodbye_ms.reset();
    return agent;
  }
  Result<BatchOutcome> RecordBatch(const std::string& customer, const std::string& agent_id,
                                   std::uint64_t sequence, std::int64_t at_ms) override {
    std::lock_guard lock(d_.mutex);
    if (d_.WriteFails()) return FakeStore::Data::Unavailable();
    auto it = d_.agents.find({customer, agent_id});
    if (it == d_.agents.end() || it->second.last_sequence >= sequence) {
      return BatchOutcome::kDuplicate;
    }
    it->second.last_sequence = sequence;
    ++it->second.batches_applied;
    it->second.last_seen_ms = at_ms;
    return BatchOutcome::kApplied;
  }
  Status RecordGoodbye(const std::string& customer, const std::string& agent_id,
                       std::int64_t at_ms) override {
    std::lock_guard lock(d_.mutex);
    if (d_.WriteFails()) return FakeStore::Data::Unavailable();
    auto it = d_.agents.find({customer, agent_id});
    if (it == d_.agents.end()) return OkStatus();
    it->second.goodbye_ms = at_ms;
    it->second.last_seen_ms = std::max(it->second.last_seen_ms, at_ms);
    return OkStatus();
  }
  Result<std::vector<AgentRecord>> ListAgents() override {
    std::lock_guard lock(d_.mutex);
    std::vector<AgentRecord> out;
    for (const auto& [key, agent] : d_.agents) out.push_back(agent);
    return out;
  }

 private:
  FakeStore::Data& d_;
};

IncidentRecord WithoutTimeline(IncidentRecord incident) {
  incident.timeline.clear();
  return incident;
}

class Incidents final : public IncidentStore {
 public:
  explicit Incidents(FakeStore::Data& d) : d_(d) {}
  Status CreateIncident(const IncidentRecord& incident,
                        const std::vector<alerting::OutboxEntry>& notifications) override {
    std::lock_guard lock(d_.mutex);
    if (d_.WriteFails()) return FakeStore::Data::Unavailable();
    if (d_.Incident(incident.id) != nullptr) {
      return MakeError(ErrorCode::kStoreFailed, "UNIQUE constraint failed: incidents.id");
    }
    IncidentRecord stored = incident;
    if (stored.value && std::isnan(*stored.value)) stored.value.reset();
    d_.incidents.push_back({d_.next_seq++, std::move(stored)});
    d_.Queue(notifications);
    return OkStatus();
  }
  Status UpdateIncident(const IncidentRecord& incident,
                        const std::vector<TimelineEntry>& new_entries,
                        const std::vector<alerting::OutboxEntry>& notifications) override {
    std::lock_guard lock(d_.mutex);
    if (d_.WriteFails()) return FakeStore::Data::Unavailable();
    Row<IncidentRecord>* row = d_.Incident(incident.id);
    if (row == nullptr)
      return MakeError(ErrorCode::kNotFound, "no incident with id " + incident.id);
    IncidentRecord& stored = row->value;
    stored.state = incident.state;
    stored.severity = incident.severity;
    stored.value = incident.value && !std::isnan(*incident.value) ? incident.value : std::nullopt;
    stored.summary = incident.summary;
    stored.acknowledged_ms = incident.acknowledged_ms;
    stored.resolved_ms = incident.resolved_ms;
    stored.acknowledged_by = incident.acknowledged_by;
    stored.resolved_by = incident.resolved_by;
    stored.silenced = incident.silenced;
    stored.updated_ms = incident.updated_ms;
    for (const auto& entry : new_entries) stored.timeline.push_back(entry);
    d_.Queue(notifications);
    return OkStatus();
  }
  Status AppendTimeline(const std::string& incident_id, const std::vector<TimelineEntry>& entries,
                        const std::vector<alerting::OutboxEntry>& notifications) override {
    std::lock_guard lock(d_.mutex);
    if (d_.WriteFails()) return FakeStore::Data::Unavailable();
    Row<IncidentRecord>* row = d_.Incident(incident_id);
    if (row == nullptr)
      return MakeError(ErrorCode::kNotFound, "no incident with id " + incident_id);
    for (const auto& entry : entries) row->value.timeline.push_back(entry);
    d_.Queue(notifications);
    return OkStatus();
  }
  Result<std::optional<IncidentRecord>> GetIncident(const std::string& id) override {
    return Newest([&](const IncidentRecord& i) { return i.id == id; });
  }
  Result<std::optional<IncidentRecord>> FindOpenIncident(const std::string& fingerprint) override {
    return Newest([&](const IncidentRecord& i) {
      return i.fingerprint == fingerprint && i.state != IncidentState::kResolved;
    });
  }
  Result<std::optional<IncidentRecord>> LatestIncident(const std::string& fingerprint) override {
    return Newest([&](const IncidentRecord& i) { return i.fingerprint == fingerprint; });
  }
  Result<Page<IncidentRecord>> ListIncidents(const IncidentFilter& filter,
                                             std::optional<std::int64_t> before,
                                             std::size_t limit) override {
    std::lock_guard lock(d_.mutex);
    const auto is = [](const std::optional<std::string>& wanted, const std::string& value) {
      return !wanted || *wanted == value;
    };
    Page<IncidentRecord> page = PageOf(d_.incidents, before, limit, [&](const IncidentRecord& i) {
      return is(filter.customer, i.customer) && is(filter.agent, i.agent) &&
             is(filter.severity, i.severity) && is(filter.rule, i.rule) &&
             (filter.states.empty() ||
              std::count(filter.states.begin(), filter.states.end(), i.state) > 0) &&
             (!filter.since_ms || i.started_ms >= *filter.since_ms) &&
             (!filter.until_ms || i.started_ms < *filter.until_ms);
    });
    for (IncidentRecord& incident : page.items) incident.timeline.clear();
    return page;
  }
  Result<std::vector<IncidentRecord>> OpenIncidents() override {
    std::lock_guard lock(d_.mutex);
    std::vector<IncidentRecord> out;
    for (const auto& row : d_.incidents) {
      if (row.value.state != IncidentState::kResolved) out.push_back(WithoutTimeline(row.value));
    }
    return out;
  }

 private:
  template <typename Keep>
  Result<std::optional<IncidentRecord>> Newest(Keep keep) {
    std::lock_guard lock(d_.mutex);
    for (auto it = d_.incidents.rbegin(); it != d_.incidents.rend(); ++it) {
      if (keep(it->value)) return std::optional<IncidentRecord>(it->value);
    }
    return std::optional<IncidentRecord>();
  }

  FakeStore::Data& d_;
};

class FaultReports final : public FaultReportStore {
 public:
  explicit FaultReports(FakeStore::Data& d) : d_(d) {}
  Status CreateFaultReport(const FaultReportRecord& report) override {
    std::lock_guard lock(d_.mutex);
    if (d_.WriteFails()) return FakeStore::Data::Unavailable();
    if (d_.Report(report.id) != nullptr) {
      return MakeError(ErrorCode::kStoreFailed, "UNIQUE constraint failed: fault_reports.id");
    }
    d_.reports.push_back({d_.next_seq++, report});
    d_.Link(report);
    return OkStatus();
  }
  Status UpdateFaultReport(const FaultReportRecord& report,
                           const std::vector<ReportHistoryEntry>& new_entries) override {
    std::lock_guard lock(d_.mutex);
    if (d_.WriteFails()) return FakeStore::Data::Unavailable();
    Row<FaultReportRecord>* row = d_.Report(report.id);
    if (row == nullptr)
      return MakeError(ErrorCode::kNotFound, "no fault report with id " + report.id);
    std::vector<ReportHistoryEntry> history = std::move(row->value.history);
    row->value = report;
    row->value.history = std::move(history);
    for (const auto& entry : new_entries) row->value.history.push_back(entry);
    d_.Link(report);
    return OkStatus();
  }
  Result<std::optional<FaultReportRecord>> GetFaultReport(const std::string& id) override {
    std::lock_guard lock(d_.mutex);
    Row<FaultReportRecord>* row = d_.Report(id);
    if (row == nullptr) return std::optional<FaultReportRecord>();
    return std::optional<FaultReportRecord>(d_.WithLinks(row->value));
  }
  Result<Page<FaultReportRecord>> ListFaultReports(const FaultReportFilter& filter,
                                                   std::optional<std::int64_t> before,
                                                   std::size_t limit) override {
    std::lock_guard lock(d_.mutex);
    const auto is = [](const std::optional<std::string>& wanted, const std::string& value) {
      return !wanted || wanted->empty() || *wanted == value;
    };
    Page<FaultReportRecord> page =
        PageOf(d_.reports, before, limit, [&](const FaultReportRecord& r) {
          return is(filter.customer, r.customer) && is(filter.kind, r.kind) &&
                 is(filter.status, r.status) && is(filter.severity, r.severity) &&
                 is(filter.category, r.category) &&
                 (!filter.since_ms || r.reported_ms >= *filter.since_ms) &&
                 (!filter.until_ms || r.reported_ms < *filter.until_ms);
        });
    for (FaultReportRecord& report : page.items) report = d_.WithLinks(std::move(report));
    return page;
  }
  Result<std::vector<FaultReportRecord>> OpenFaultReports() override {
    std::lock_guard lock(d_.mutex);
    std::vector<FaultReportRecord> out;
    for (const auto& row : d_.reports) {
      if (row.value.status != "resolved" && row.value.status != "closed") {
        out.push_back(d_.WithLinks(row.value));
      }
    }
    return out;
  }
  Result<std::vector<std::string>> ReportsOfIncident(const std::string& incident_id) override {
    std::lock_guard lock(d_.mutex);
    std::vector<std::string> out;
    for (const auto& [report, incident] : d_.report_links) {
      if (incident == incident_id) out.push_back(report);
    }
    return out;
  }

 private:
  FakeStore::Data& d_;
};

class SlaEvents final : public SlaEventStore {
 public:
  explicit SlaEvents(FakeStore::Data& d) : d_(d) {}
  Result<bool> MarkSlaEvent(const SlaItemRef& item, const std::string& event, std::int64_t at_ms,
                            const std::string& note,
                            const std::vector<alerting::OutboxEntry>& notifications) override {
    std::lock_guard lock(d_.mutex);
    if (d_.WriteFails()) return FakeStore::Data::Unavailable();
    if (d_.sla_events.count({item.id, event}) > 0) return false;
    if (!note.empty()) {
      const std::vector<TimelineEntry> entries = {{at_ms, "sla", "system", note}};
      Status noted = item.kind == SlaItemRef::Kind::kIncident
                         ? d_.NoteOnIncident(item.id, entries)
                         : d_.NoteOnReport(item.id, AsReportNotes(entries));
      if (!noted) return noted.error();
    }
    d_.sla_events.insert({item.id, event});
    d_.Queue(notifications);
    return true;
  }
  Result<std::vector<SlaEventCount>> CountSlaEvents() override {
    std::lock_guard lock(d_.mutex);
    std::map<std::tuple<std::string, std::string, std::string, std::string>, std::int64_t> counts;
    for (const auto& [item, event] : d_.sla_events) {
      if (const Row<FaultReportRecord>* report = d_.Report(item)) {
        ++counts[{report->value.customer, report->value.kind, report->value.severity, event}];
      } else if (const Row<IncidentRecord>* incident = d_.Incident(item)) {
        ++counts[{incident->value.customer, "incident", incident->value.severity, event}];
      }
    }
    std::vector<SlaEventCount> out;
    for (const auto& [key, count] : counts) {
      out.push_back(
          {std::get<0>(key), std::get<1>(key), std::get<2>(key), std::get<3>(key), count});
    }
    return out;
  }
  Result<std::vector<SatisfactionTotal>> SatisfactionSince(std::int64_t since_ms) override {
    std::lock_guard lock(d_.mutex);
    std::map<std::string, SatisfactionTotal> totals;
    for (const auto& row : d_.reports) {
      const FaultReportRecord& r = row.value;
      if (!r.satisfaction_score || !r.satisfaction_ms || *r.satisfaction_ms < since_ms) continue;
      SatisfactionTotal& total = totals[r.customer];
      total.customer = r.customer;
      total.sum += *r.satisfaction_score;
      ++total.count;
    }
    std::vector<SatisfactionTotal> out;
    for (const auto& [customer, total] : totals) out.push_back(total);
    return out;
  }

 private:
  FakeStore::Data& d_;
};

class Findings final : public FindingStore {
 public:
  explicit Findings(FakeStore::Data& d) : d_(d) {}
  Status PutSecurityFinding(const SecurityFindingRecord& finding) override {
    std::lock_guard lock(d_.mutex);
    if (d_.WriteFails()) return FakeStore::Data::Unavailable();
    const auto key = std::make_tuple(finding.customer, finding.agent, finding.check, finding.key);
    auto [it, inserted] = d_.findings.try_emplace(key, finding);
    if (!inserted) {
      const std::int64_t first_seen = it->second.first_seen_ms;
      it->second = finding;
      it->second.first_seen_ms = first_seen;
    }
    return OkStatus();
  }
  Status DeleteSecurityFinding(const std::string& customer, const std::string& agent,
                               const std::string& check, const std::string& key) override {
    std::lock_guard lock(d_.mutex);
    if (d_.WriteFails()) return FakeStore::Data::Unavailable();
    d_.findings.erase(std::make_tuple(customer, agent, check, key));
    return OkStatus();
  }
  Result<std::vector<SecurityFindingRecord>> SecurityFindingsOf(const std::string& customer,
                                                                const std::string& agent) override {
    std::lock_guard lock(d_.mutex);
    std::vector<SecurityFindingRecord> out;
    for (const auto& [key, finding] : d_.findings) {
      if (finding.customer == customer && finding.agent == agent) out.push_back(finding);
    }
    return out;
  }

 private:
  FakeStore::Data& d_;
};

class Silences final : public SilenceStore {
 public:
  explicit Silences(FakeStore::Data& d) : d_(d) {}
  Status CreateSilence(const SilenceRecord& silence) override {
    std::lock_guard lock(d_.mutex);
    if (d_.WriteFails()) return FakeStore::Data::Unavailable();
    d_.silences.push_back(silence);
    return OkStatus();
  }
  Status SetSilenceEnd(const std::string& id, std::int64_t ends_ms) override {
    std::lock_guard lock(d_.mutex);
    if (d_.WriteFails()) return FakeStore::Data::Unavailable();
    for (SilenceRecord& silence : d_.silences) {
      if (silence.id != id) continue;
      silence.ends_ms = ends_ms;
      return OkStatus();
    }
    return MakeError(ErrorCode::kNotFound, "no silence with id " + id);
  }
  Result<std::vector<SilenceRecord>> ListSilences() override {
    std::lock_guard lock(d_.mutex);
    return std::vector<SilenceRecord>(d_.silences.rbegin(), d_.silences.rend());
  }

 private:
  FakeStore::Data& d_;
};

class Outbox final : public OutboxStore {
 public:
  explicit Outbox(FakeStore::Data& d) : d_(d) {}
  Status RecordNotification(const alerting::OutboxEntry& entry,
                            const std::vector<TimelineEntry>& timeline) override {
    std::lock_guard lock(d_.mutex);
    if (d_.WriteFails()) return FakeStore::Data::Unavailable();
    for (auto& row : d_.outbox) {
      if (row.value.id != entry.id) continue;
      alerting::OutboxEntry& stored = row.value;
      stored.attempts = entry.attempts;
      stored.next_attempt_ms = entry.next_attempt_ms;
      stored.state = entry.state;
      stored.last_status = entry.last_status;
      stored.last_error = entry.last_error;
      stored.finished_ms = entry.finished_ms;
      stored.created_ms = entry.created_ms;
      if (entry.incident_id.rfind("fr-", 0) == 0) {
        return d_.NoteOnReport(entry.incident_id, AsReportNotes(timeline));
      }
      return d_.NoteOnIncident(entry.incident_id, timeline);
    }
    return MakeError(ErrorCode::kNotFound, "no notification with id " + entry.id);
  }
  Result<std::vector<alerting::OutboxEntry>> PendingNotifications() override {
    return Where(
        [](const alerting::OutboxEntry& e) { return e.state == alerting::OutboxState::kPending; });
  }
  Result<std::vector<alerting::OutboxEntry>> NotificationsOf(
      const std::string& incident_id) override {
    return Where([&](const alerting::OutboxEntry& e) { return e.incident_id == incident_id; });
  }
  Result<std::optional<alerting::OutboxEntry>> GetNotification(const std::string& id) override {
    std::lock_guard lock(d_.mutex);
    for (const auto& row : d_.outbox) {
      if (row.value.id == id) return std::optional<alerting::OutboxEntry>(row.value);
    }
    return std::optional<alerting::OutboxEntry>();
  }
  Result<Page<alerting::OutboxEntry>> ListNotifications(std::optional<alerting::OutboxState> state,
                                                        const std::string& incident_id,
                                                        const std::string& receiver,
                                                        std::optional<std::int64_t> before,
                                                        std::size_t limit) override {
    std::lock_guard lock(d_.mutex);
    return PageOf(d_.outbox, before, limit, [&](const alerting::OutboxEntry& e) {
      return (!state || e.state == *state) &&
             (incident_id.empty() || e.incident_id == incident_id) &&
             (receiver.empty() || e.receiver == receiver);
    });
  }
  Result<std::map<alerting::OutboxState, std::int64_t>> CountNotifications() override {
    std::lock_guard lock(d_.mutex);
    std::map<alerting::OutboxState, std::int64_t> out;
    for (const auto& row : d_.outbox) ++out[row.value.state];
    return out;
  }

 private:
  template <typename Keep>
  Result<std::vector<alerting::OutboxEntry>> Where(Keep keep) {
    std::lock_guard lock(d_.mutex);
    std::vector<alerting::OutboxEntry> out;
    for (const auto& row : d_.outbox) {
      if (keep(row.value)) out.push_back(row.value);
    }
    return out;
  }

  FakeStore::Data& d_;
};

class RuleStates final : public RuleStateStore {
 public:
  explicit RuleStates(FakeStore::Data& d) : d_(d) {}
  Status SaveRuleState(const alerting::SeriesStateRecord& state) override {
    std::lock_guard lock(d_.mutex);
    if (d_.WriteFails()) return FakeStore::Data::Unavailable();
    d_.rule_states[state.fingerprint] = state;
    return OkStatus();
  }
  Status DeleteRuleState(const std::string& fingerprint) override {
    std::lock_guard lock(d_.mutex);
    if (d_.WriteFails()) return FakeStore::Data::Unavailable();
    d_.rule_states.erase(fingerprint);
    return OkStatus();
  }
  Result<std::vector<alerting::SeriesStateRecord>> LoadRuleStates() override {
    std::lock_guard lock(d_.mutex);
    std::vector<alerting::SeriesStateRecord> out;
    for (const auto& [fingerprint, state] : d_.rule_states) out.push_back(state);
    std::stable_sort(out.begin(), out.end(),
                     [](const auto& a, const auto& b) { return a.rule < b.rule; });
    return out;
  }

 private:
  FakeStore::Data& d_;
};

}  // namespace

struct FakeStore::Parts {
  explicit Parts(FakeStore::Data& d)
      : tokens(d),
        agents(d),
        incidents(d),
        reports(d),
        sla_events(d),
        findings(d),
        silences(d),
        outbox(d),
        rule_states(d) {}
  Tokens tokens;
  Agents agents;
  Incidents incidents;
  FaultReports reports;
  SlaEvents sla_events;
  Findings findings;
  Silences silences;
  Outbox outbox;
  RuleStates rule_states;
};

FakeStore::FakeStore() : data_(std::make_unique<Data>()), parts_(std::make_unique<Parts>(*data_)) {}
FakeStore::~FakeStore() = default;

TokenStore& FakeStore::tokens() { return parts_->tokens; }
AgentStore& FakeStore::agents() { return parts_->agents; }
IncidentStore& FakeStore::incidents() { return parts_->incidents; }
FaultReportStore& FakeStore::fault_reports() { return parts_->reports; }
SlaEventStore& FakeStore::sla_events() { return parts_->sla_events; }
FindingStore& FakeStore::findings() { return parts_->findings; }
SilenceStore& FakeStore::silences() { return parts_->silences; }
OutboxStore& FakeStore::outbox() { return parts_->outbox; }
RuleStateStore& FakeStore::rule_states() { return parts_->rule_states; }

void FakeStore::FailNextWrites(int count) {
  std::lock_guard lock(data_->mutex);
  data_->failing_writes = count;
}

}  // namespace vigil::testing
