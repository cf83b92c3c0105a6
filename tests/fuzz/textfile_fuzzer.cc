// libFuzzer target: the textfile collector's parser takes whatever a local script wrote. Whatever
// the bytes, it must refuse them or return families that the collector can carry and Prometheus
// can read: valid names, no label given twice, UTF-8 text (the wire protocol's strings must be);
// and rendering those families and parsing the text again must give the same families back.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "agent/collectors/textfile_format.h"
#include "common/exposition.h"
#include "common/utf8.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto families = vigil::agent::ParseTextfile(text, "fuzz.prom");
  if (!families) return 0;
  for (const vigil::wire::MetricFamily& family : *families) {
    Check(vigil::IsValidMetricName(family.name()));
    Check(vigil::IsValidUtf8(family.help()));
    for (const vigil::wire::Series& series : family.series()) {
      std::set<std::string> names;
      for (const vigil::wire::Label& label : series.labels()) {
        Check(vigil::IsValidLabelName(label.name()));
        Check(names.insert(label.name()).second);
        Check(vigil::IsValidUtf8(label.value()));
      }
    }
  }
  auto again = vigil::agent::ParseTextfile(vigil::RenderText(*families), "fuzz.prom");
  Check(again.ok());
  Check(again->size() == families->size());
  for (std::size_t i = 0; i < families->size(); ++i) {
    Check((*again)[i].SerializeAsString() == (*families)[i].SerializeAsString());
  }
  return 0;
}
