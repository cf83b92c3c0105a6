#include "alerting/target_labels.h"

#include <algorithm>

namespace vigil::alerting {
namespace {

constexpr std::string_view kExportedPrefix = "exported_";

}  // namespace

// A series' label as /metrics shows it: the target labels win, and a series label that collides
// with one is renamed exported_NAME.
std::string_view LookupLabel(const Labels& target, const WireLabels& own, std::string_view name) {
  if (std::string_view value = LabelValue(target, name); !value.empty()) return value;
  std::string_view own_name = name;
  if (name.substr(0, kExportedPrefix.size()) == kExportedPrefix &&
      !LabelValue(target, name.substr(kExportedPrefix.size())).empty()) {
    own_name = name.substr(kExportedPrefix.size());
  }
  for (const wire::Label& label : own) {
    if (label.name() == own_name) return label.value();
  }
  return {};
}

// The series' labels as /metrics renders them, then `extra`'s.
Labels MaterializeLabels(const Labels& target, const WireLabels& own, const Labels& extra) {
  Labels out = target;
  for (const wire::Label& label : own) {
    std::string name = label.name();
    while (!LabelValue(out, name).empty()) name = std::string(kExportedPrefix) + name;
    out.push_back({std::move(name), label.value()});
    std::sort(out.begin(), out.end());
  }
  for (const Label& label : extra) SetLabel(out, label.name, label.value);
  std::erase_if(out, [](const Label& label) { return label.value.empty(); });
  return out;
}

}  // namespace vigil::alerting
