#pragma once
// Incidents with their timelines. A change to an incident and the notifications it causes (the
// outbox, outbox_store.h) are written in one transaction.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alerting/delivery.h"
#include "collector/store/page.h"
#include "common/result.h"

namespace vigil::collector {

struct TimelineEntry {
  std::int64_t at_ms = 0;
  std::string type;   // fired, acknowledged, resolved, reopened, note, silenced, unsilenced, ...
  std::string actor;  // "rule", "user NAME" or "system"
  std::string text;
};

// An incident fires, may be acknowledged, and is resolved (a resolved one that fires again is a
// new incident that names it as previous).
enum class IncidentState : std::uint8_t { kFiring, kAcknowledged, kResolved };
// "firing", "acknowledged", "resolved": the API's and the store's word for each.
std::string_view IncidentStateName(IncidentState state);
std::optional<IncidentState> ParseIncidentState(std::string_view name);

struct IncidentRecord {
  std::string id;
  std::string source = "rule";  // "rule" or "manual"
  std::string rule;
  std::string fingerprint;
  IncidentState state = IncidentState::kFiring;
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
  std::vector<IncidentState> states;  // any of these; empty: all
  std::optional<std::string> customer;
  std::optional<std::string> agent;
  std::optional<std::string> severity;
  std::optional<std::string> rule;
  std::optional<std::int64_t> since_ms;  // started_at >= since
  std::optional<std::int64_t> until_ms;  // started_at < until
};

class IncidentStore {
 public:
  virtual ~IncidentStore() = default;
  // Writes the incident and its timeline, and queues `notifications`.
  virtual Status CreateIncident(const IncidentRecord& incident,
                                const std::vector<alerting::OutboxEntry>& notifications = {}) = 0;
  // Writes the incident's fields, appends `new_entries` to its timeline and queues
  // `notifications`. Error "not_found" for an unknown id.
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
  // Every incident not resolved, oldest first (timelines left empty).
  virtual Result<std::vector<IncidentRecord>> OpenIncidents() = 0;
};

}  // namespace vigil::collector
