#pragma once
// Fault reports — the service record of faults, consultations and complaints — and their state
// machine (../shared/API.md):
//
//   new -> assigned | in_progress | resolved
//   assigned -> in_progress | pending_customer | resolved
//   in_progress -> pending_customer | resolved
//   pending_customer -> in_progress | resolved
//   resolved -> closed | in_progress (reopen)
//   closed -> in_progress (reopen)
//
// Closing needs a root cause and a resolution. The first response is the first transition into
// in_progress, pending_customer or resolved; the resolution is the latest transition into
// resolved (a reopen clears it). Every change is on the report's history with its actor and time;
// `at` imports history (in the future, or before the report's last change: "invalid_time").
// Thread-safe.

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "collector/store/store.h"
#include "common/clock.h"

namespace vigil::collector {

bool TransitionAllowed(const std::string& from, const std::string& to);
bool IsReportStatus(const std::string& status);

// The fields a person gives (any may be absent in an edit).
struct ReportFields {
  std::optional<std::string> kind;
  std::optional<std::string> customer;
  std::optional<std::string> title;
  std::optional<std::string> symptom;
  std::optional<std::string> category;
  std::optional<std::string> severity;
  std::optional<std::string> channel;
  std::optional<std::string> reporter_name;
  std::optional<std::string> reporter_contact;
  std::optional<std::string> assignee_team;
  std::optional<std::string> assignee_person;
  std::optional<std::string> root_cause;
  std::optional<std::string> resolution;
  std::optional<std::string> prevention;
  std::optional<std::int64_t> occurred_ms;
};

class FaultReportBook {
 public:
  FaultReportBook(Store& store, const Clock& clock);

  // Opens a report; with `from_incident`, the incident gives customer, severity, occurred time
  // and symptom (fields given win) and is linked. reported_at is `at`, or now.
  Result<FaultReportRecord> Create(const ReportFields& fields,
                                   const std::optional<std::string>& from_incident,
                                   const std::string& actor, std::optional<std::int64_t> at_ms);
  // Edits fields; each change is on the history.
  Result<FaultReportRecord> Edit(const std::string& id, const ReportFields& fields,
                                 const std::string& actor, std::optional<std::int64_t> at_ms);
  // Moves the report; `fields` may set assignee, root cause, resolution and prevention on the way.
  Result<FaultReportRecord> Transition(const std::string& id, const std::string& to,
                                       const ReportFields& fields, const std::string& note,
                                       const std::string& actor, std::optional<std::int64_t> at_ms);
  Result<FaultReportRecord> AddNote(const std::string& id, const std::string& text,
                                    const std::string& actor, std::optional<std::int64_t> at_ms);
  // The customer's rating, once resolved or closed ("conflict" before); a new one replaces it.
  Result<FaultReportRecord> Rate(const std::string& id, int score, const std::string& comment,
                                 const std::string& actor, std::optional<std::int64_t> at_ms);
  Result<FaultReportRecord> Get(const std::string& id);

 private:
  Result<FaultReportRecord> Load(const std::string& id);
  Result<std::int64_t> ChangeTime(const FaultReportRecord& report,
                                  std::optional<std::int64_t> at_ms) const;
  // Applies the present fields to `report`, listing each change; error naming a bad field.
  Status Apply(const ReportFields& fields, FaultReportRecord& report,
               std::map<std::string, std::pair<std::string, std::string>>& changes) const;

  Store& store_;
  const Clock& clock_;
  std::mutex mutex_;  // serializes read-modify-write of reports
};

}  // namespace vigil::collector
