#include "agent/utf8_repair.h"

#include <string>

#include "common/utf8.h"

namespace vigil::agent {
namespace {

void Repair(std::string* text, std::size_t& repaired) {
  if (IsValidUtf8(*text)) return;
  *text = ToValidUtf8(*text);
  ++repaired;
}

void Repair(wire::Label& label, std::size_t& repaired) {
  Repair(label.mutable_name(), repaired);
  Repair(label.mutable_value(), repaired);
}

void Repair(wire::MetricFamily& family, std::size_t& repaired) {
  Repair(family.mutable_name(), repaired);
  Repair(family.mutable_help(), repaired);
  for (wire::Series& series : *family.mutable_series()) {
    for (wire::Label& label : *series.mutable_labels()) Repair(label, repaired);
  }
}

}  // namespace

std::size_t RepairInvalidUtf8(std::vector<wire::MetricFamily>& families) {
  std::size_t repaired = 0;
  for (wire::MetricFamily& family : families) Repair(family, repaired);
  return repaired;
}

std::size_t RepairInvalidUtf8(wire::Batch& batch) {
  std::size_t repaired = 0;
  for (wire::Snapshot& snapshot : *batch.mutable_snapshots()) {
    Repair(snapshot.mutable_source(), repaired);
    for (wire::MetricFamily& family : *snapshot.mutable_families()) Repair(family, repaired);
  }
  for (wire::Event& event : *batch.mutable_events()) {
    Repair(event.mutable_kind(), repaired);
    Repair(event.mutable_source(), repaired);
    Repair(event.mutable_message(), repaired);
    for (wire::Label& label : *event.mutable_labels()) Repair(label, repaired);
  }
  return repaired;
}

}  // namespace vigil::agent
