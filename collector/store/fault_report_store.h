#pragma once
// Fault reports (faults, consultations, complaints) with their history and incident links.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "collector/store/incident_store.h"
#include "collector/store/page.h"
#include "common/result.h"

namespace vigil::collector {

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

// Timeline entries (of a notification attempt, an SLA event) as notes on a report's history.
std::vector<ReportHistoryEntry> AsReportNotes(const std::vector<TimelineEntry>& entries);

class FaultReportStore {
 public:
  virtual ~FaultReportStore() = default;
  // Writes the report, its links and its history.
  virtual Status CreateFaultReport(const FaultReportRecord& report) = 0;
  // Writes the report's fields and links and appends `new_entries`, in one transaction. Error
  // "not_found" for an unknown id.
  virtual Status UpdateFaultReport(const FaultReportRecord& report,
                                   const std::vector<ReportHistoryEntry>& new_entries) = 0;
  virtual Result<std::optional<FaultReportRecord>> GetFaultReport(const std::string& id) = 0;
  // Newest first by when it was stored; with histories.
  virtual Result<Page<FaultReportRecord>> ListFaultReports(const FaultReportFilter& filter,
                                                           std::optional<std::int64_t> before,
                                                           std::size_t limit) = 0;
  // Every report not resolved or closed, oldest first, with histories.
  virtual Result<std::vector<FaultReportRecord>> OpenFaultReports() = 0;
  // The reports linked to an incident, by id.
  virtual Result<std::vector<std::string>> ReportsOfIncident(const std::string& incident_id) = 0;
};

}  // namespace vigil::collector
