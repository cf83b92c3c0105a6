// libFuzzer target: whatever batches agents send, the collector's scrape paths stay exposition that
// Prometheus can read — one bad agent must not fail the whole fleet's scrape. An input is a batch
// as the collector receives it (protobuf); two agents send it, one of them twice, and the fleet's
// /metrics (rendered in small pieces) and the agent's own target are parsed back strictly: valid
// names and escapes, each family once, no series twice, no label given twice. A third agent's
// own labels (as the store may hold them from before Hellos were checked) are the first series'
// labels of the batch, whatever they are.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "agent/collectors/textfile_format.h"
#include "collector/ingest/live_state.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

void CheckExposition(const std::string& text) {
  auto parsed = vigil::agent::ParseTextfile(text, "scrape");
  Check(parsed.ok());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  vigil::wire::Batch batch;
  if (!batch.ParseFromArray(data, static_cast<int>(size))) return 0;
  vigil::collector::LiveState live({/*max_series_per_agent=*/2000, /*max_metric_names=*/500});
  const vigil::collector::AgentKey web{"acme", "web-01"};
  const vigil::collector::AgentKey db{"acme", "db-01"};
  live.AgentConnected(web, {"web-01", "1.0", {{"role", "web"}, {"exported_agent", "x"}}, 0}, 1);
  live.AgentConnected(db, {"db-01", "1.0", {}, 0}, 1);
  const vigil::collector::AgentKey stored{"globex", "old-01"};
  vigil::collector::LabelList stored_labels;
  if (batch.snapshots_size() > 0 && batch.snapshots(0).families_size() > 0 &&
      batch.snapshots(0).families(0).series_size() > 0) {
    for (const vigil::wire::Label& label : batch.snapshots(0).families(0).series(0).labels()) {
      stored_labels.emplace_back(label.name(), label.value());
    }
  }
  live.AgentKnown(stored, {"old-01", "0.9", stored_labels, 0});
  live.ApplyBatch(web, batch, 2);
  live.ApplyBatch(db, batch, 2);
  live.ApplyBatch(web, batch, 3);
  live.ApplyBatch(stored, batch, 3);

  std::string fleet;
  vigil::collector::PieceWriter next = live.FleetPieces({"", 3, -1}, 256);
  while (next(fleet)) {
  }
  CheckExposition(fleet);
  const vigil::collector::AgentExposition own = live.RenderAgent(web, 3, 60'000);
  Check(own.state == vigil::collector::AgentExposition::State::kUp);
  CheckExposition(own.text);
  return 0;
}
