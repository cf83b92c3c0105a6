#pragma once
// Incidents and their timelines: opened and resolved by rules (through AlertingService), and
// acknowledged, annotated, resolved and opened by people (through the API). Every change is
// written to the store, with its timeline entry, before it is answered.
//
// Times: people may give `at` (importing history); an `at` in the future, or before the
// incident's last recorded change, is refused with "invalid_time". Errors carry codes the API
// maps to statuses: bad_request, invalid_time, not_found, conflict, or the store's.
//
// Thread-safe; changes to one incident are serialized.

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "alerting/rule_engine.h"
#include "collector/incidents/silence_book.h"
#include "collector/store/store.h"
#include "common/clock.h"

namespace prometheus {
class Registry;
template <typename T>
class Family;
class Counter;
}  // namespace prometheus

namespace vigil::collector {

// A change of an incident that may cause notifications.
enum class IncidentChange { kOpened, kAcknowledged, kResolved, kSilenced, kUnsilenced };

// Hears of incident changes as they are made (the notifier).
class IncidentObserver {
 public:
  virtual ~IncidentObserver() = default;
  // Called with the book's lock held and the incident as it is about to be stored: returns the
  // notifications to queue, which are written in the same transaction. Must not call the book.
  virtual std::vector<alerting::OutboxEntry> Plan(const IncidentRecord& incident,
                                                  IncidentChange change) = 0;
  // After that transaction committed.
  virtual void Committed(const std::vector<alerting::OutboxEntry>& notifications) = 0;
};

struct ManualIncident {
  std::string customer;
  std::string severity;
  std::string summary;
  StringPairs labels;
  std::string agent;
};

class IncidentBook {
 public:
  IncidentBook(IncidentStore& incidents, SilenceBook& silences, prometheus::Registry& registry,
               const Clock& clock);

  // A rule began firing: opens an incident for its fingerprint, unless one is open already. A
  // new one names the previous incident of the same fingerprint.
  Status OpenFromRule(const alerting::AlertTransition& transition);
  // A rule stopped firing: resolves the open incident of its fingerprint, if any.
  Status ResolveFromRule(const alerting::AlertTransition& transition);

  Result<IncidentRecord> Acknowledge(const std::string& id, const std::string& actor,
                                     const std::string& note, std::optional<std::int64_t> at_ms);
  Result<IncidentRecord> Resolve(const std::string& id, const std::string& actor,
                                 const std::string& note, std::optional<std::int64_t> at_ms);
  Result<IncidentRecord> AddNote(const std::string& id, const std::string& actor,
                                 const std::string& text, std::optional<std::int64_t> at_ms);
  Result<IncidentRecord> OpenManual(const ManualIncident& manual, const std::string& actor,
                                    std::optional<std::int64_t> at_ms);

  Result<IncidentRecord> Get(const std::string& id);

  // Marks open incidents silenced or not as the silences stand at `now_ms`, with a timeline entry
  // for each change.
  Status ApplySilences(std::int64_t now_ms);

  // Set once, before the book is used.
  void SetObserver(IncidentObserver* observer) { observer_ = observer; }

  // The labels silences and routes match: the incident's labels, `alertname` (its rule, or
  // "manual") and `severity`.
  static alerting::Labels SilenceableLabels(const IncidentRecord& incident);

 private:
  // The `at` of a person's change: now when absent; refused when in the future or before the
  // incident's last change.
  Result<std::int64_t> ChangeTime(const IncidentRecord& incident,
                                  std::optional<std::int64_t> at_ms) const;
  Result<IncidentRecord> Load(const std::string& id);
  // A person's change of one incident: `apply` changes it at `at` and returns the timeline
  // entries to add (none: nothing changed).
  struct Mutation {
    bool allowed_when_resolved;
    std::string refusal;  // why not, when resolved and not allowed
    std::function<std::vector<TimelineEntry>(IncidentRecord&, std::int64_t at)> apply;
  };
  Result<IncidentRecord> Change(const std::string& id, std::optional<std::int64_t> at_ms,
                                const Mutation& mutate);
  std::vector<alerting::OutboxEntry> Plan(const IncidentRecord& incident, IncidentChange change);
  void Committed(const std::vector<alerting::OutboxEntry>& notifications);
  // Gives the incident its id, its first timeline entries and its silence, and stores it.
  Status Open(IncidentRecord& incident, const std::string& actor, const std::string& fired_text);

  IncidentStore& incidents_store_;
  SilenceBook& silences_;
  const Clock& clock_;
  prometheus::Family<prometheus::Counter>& opened_;
  IncidentObserver* observer_ = nullptr;
  std::mutex mutex_;  // serializes read-modify-write of incidents
};

// Bounds of what people may write.
inline constexpr std::size_t kMaxNoteBytes = 16 << 10;
inline constexpr std::size_t kMaxSummaryBytes = 1024;

}  // namespace vigil::collector
