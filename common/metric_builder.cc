#include "common/metric_builder.h"

namespace vigil {

wire::MetricFamily MakeFamily(std::string_view name, std::string_view help, wire::MetricType type) {
  wire::MetricFamily family;
  family.set_name(std::string(name));
  family.set_help(std::string(help));
  family.set_type(type);
  return family;
}

void AddSeries(wire::MetricFamily& family, double value, const LabelPairs& labels) {
  wire::Series* series = family.add_series();
  series->set_value(value);
  for (const auto& [name, label_value] : labels) {
    wire::Label* label = series->add_labels();
    label->set_name(name);
    label->set_value(label_value);
  }
}

void FamiliesByName::Add(const std::string& name, std::string_view help, wire::MetricType type,
                         double value, const LabelPairs& labels) {
  auto [it, inserted] = families_.try_emplace(name);
  if (inserted) it->second = MakeFamily(name, help, type);
  AddSeries(it->second, value, labels);
}

std::vector<wire::MetricFamily> FamiliesByName::Take() {
  std::vector<wire::MetricFamily> out;
  out.reserve(families_.size());
  for (auto& [name, family] : families_) out.push_back(std::move(family));
  families_.clear();
  return out;
}

}  // namespace vigil
