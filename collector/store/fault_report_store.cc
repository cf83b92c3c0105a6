#include "collector/store/fault_report_store.h"

namespace vigil::collector {

std::vector<ReportHistoryEntry> AsReportNotes(const std::vector<TimelineEntry>& entries) {
  std::vector<ReportHistoryEntry> notes;
  notes.reserve(entries.size());
  for (const TimelineEntry& entry : entries) {
    ReportHistoryEntry note;
    note.at_ms = entry.at_ms;
    note.actor = entry.actor;
    note.note = entry.text;
    notes.push_back(std::move(note));
  }
  return notes;
}

}  // namespace vigil::collector
