#include "agent/collectors/power_supply.h"

#include <algorithm>
#include <map>

#include "agent/collectors/text.h"
#include "common/metric_builder.h"

namespace vigil::agent {
namespace {

constexpr const char* kPowerSupplies = "sys/class/power_supply";

// What node_exporter does with each numeric attribute: the metric's name and the divisor that
// brings the kernel's unit to the exported one.
struct Numeric {
  const char* metric;
  double divisor;
};

const std::map<std::string, Numeric>& NumericAttributes() {
  static const std::map<std::string, Numeric> kAttributes = {
      {"authentic", {"authentic", 1}},
      {"calibrate", {"calibrate", 1}},
      {"capacity", {"capacity", 1}},
      {"capacity_alert_max", {"capacity_alert_max", 1}},
      {"capacity_alert_min", {"capacity_alert_min", 1}},
      {"cycle_count", {"cyclecount", 1}},
      {"online", {"online", 1}},
      {"present", {"present", 1}},
      {"time_to_empty_now", {"time_to_empty_seconds", 1}},
      {"time_to_full_now", {"time_to_full_seconds", 1}},
      {"current_boot", {"current_boot", 1e6}},
      {"current_max", {"current_max", 1e6}},
      {"current_now", {"current_ampere", 1e6}},
      {"energy_empty", {"energy_empty", 1e6}},
      {"energy_empty_design", {"energy_empty_design", 1e6}},
      {"energy_full", {"energy_full", 1e6}},
      {"energy_full_design", {"energy_full_design", 1e6}},
      {"energy_now", {"energy_watthour", 1e6}},
      {"voltage_boot", {"voltage_boot", 1e6}},
      {"voltage_max", {"voltage_max", 1e6}},
      {"voltage_max_design", {"voltage_max_design", 1e6}},
      {"voltage_min", {"voltage_min", 1e6}},
      {"voltage_min_design", {"voltage_min_design", 1e6}},
      {"voltage_now", {"voltage_volt", 1e6}},
      {"voltage_ocv", {"voltage_ocv", 1e6}},
      {"charge_control_limit", {"charge_control_limit", 1e6}},
      {"charge_control_limit_max", {"charge_control_limit_max", 1e6}},
      {"charge_counter", {"charge_counter", 1e6}},
      {"charge_empty", {"charge_empty", 1e6}},
      {"charge_empty_design", {"charge_empty_design", 1e6}},
      {"charge_full", {"charge_full", 1e6}},
      {"charge_full_design", {"charge_full_design", 1e6}},
      {"charge_now", {"charge_ampere", 1e6}},
      {"charge_term_current", {"charge_term_current", 1e6}},
      {"constant_charge_current", {"constant_charge_current", 1e6}},
      {"constant_charge_current_max", {"constant_charge_current_max", 1e6}},
      {"constant_charge_voltage", {"constant_charge_voltage", 1e6}},
      {"constant_charge_voltage_max", {"constant_charge_voltage_max", 1e6}},
      {"precharge_current", {"precharge_current", 1e6}},
      {"input_current_limit", {"input_current_limit", 1e6}},
      {"power_now", {"power_watt", 1e6}},
      {"temp", {"temp_celsius", 10}},
      {"temp_alert_max", {"temp_alert_max_celsius", 10}},
      {"temp_alert_min", {"temp_alert_min_celsius", 10}},
      {"temp_ambient", {"temp_ambient_celsius", 10}},
      {"temp_ambient_max", {"temp_ambient_max_celsius", 10}},
      {"temp_ambient_min", {"temp_ambient_min_celsius", 10}},
      {"temp_max", {"temp_max_celsius", 10}},
      {"temp_min", {"temp_min_celsius", 10}},
      // Parsed (a bad value fails the collection, as upstream) but not exported.
      {"charge_avg", {nullptr, 1}},
      {"current_avg", {nullptr, 1}},
      {"energy_avg", {nullptr, 1}},
      {"power_avg", {nullptr, 1}},
      {"time_to_empty_avg", {nullptr, 1}},
      {"time_to_full_avg", {nullptr, 1}},
      {"voltage_avg", {nullptr, 1}},
  };
  return kAttributes;
}

// Text attributes that become labels of node_power_supply_info (the file name is the label).
bool IsInfoAttribute(const std::string& file) {
  static const char* const kInfo[] = {"capacity_level", "charge_type",   "health", "manufacturer",
                                      "model_name",     "serial_number", "status", "technology",
                                      "type",           "usb_type",      "scope"};
  return std::any_of(std::begin(kInfo), std::end(kInfo),
                     [&](const char* name) { return file == name; });
}

class PowerSupplyCollector final : public RootCollector {
 public:
  explicit PowerSupplyCollector(std::string root)
      : RootCollector("powersupplyclass", std::move(root)) {}

  Result<std::vector<wire::MetricFamily>> Collect() override {
    // As upstream: a class or device folder that is not there means no power supplies to report.
    Result<std::vector<wire::MetricFamily>> families = Gather();
    if (!families && families.error().code == ErrorCode::kNotFound)
      return std::vector<wire::MetricFamily>{};
    return families;
  }

 private:
  Result<std::vector<wire::MetricFamily>> Gather() const {
    Result<std::vector<FolderEntry>> supplies = ListFolder(root_, kPowerSupplies);
    if (!supplies) return supplies.error();
    FamiliesByName families;
    for (const FolderEntry& supply : *supplies) {
      const std::string folder = std::string(kPowerSupplies) + "/" + supply.name;
      // Upstream reads every regular file of the device folder; only the ones it knows matter.
      Result<std::vector<AttributeRead>> attributes =
          ReadAttributesOf(root_, folder, [](const std::string& file) {
            return NumericAttributes().count(file) > 0 || IsInfoAttribute(file);
          });
      if (!attributes) return attributes.error();
      LabelPairs info = {{"power_supply", supply.name}};
      for (const auto& [file, value] : *attributes) {
        if (IsInfoAttribute(file)) {
          if (!value.empty()) info.emplace_back(file, value);
          continue;
        }
        const std::optional<std::int64_t> number = ParseIntAnyBase(value);
        if (!number)
          return MakeError(ErrorCode::kParseFailed, folder + "/" + file + ": not an integer");
        const Numeric& numeric = NumericAttributes().at(file);
        if (numeric.metric == nullptr) continue;
        const std::string metric = numeric.metric;
        families.Add("node_power_supply_" + metric,
                     metric + " value of /sys/class/power_supply/<power_supply>.",
                     wire::METRIC_TYPE_GAUGE, static_cast<double>(*number) / numeric.divisor,
                     {{"power_supply", supply.name}});
      }
      std::sort(info.begin(), info.end());
      families.Add("node_power_supply_info", "info of /sys/class/power_supply/<power_supply>.",
                   wire::METRIC_TYPE_GAUGE, 1, info);
    }
    return families.Take();
  }
};

}  // namespace

std::unique_ptr<Collector> MakePowerSupplyCollector(std::string root) {
  return std::make_unique<PowerSupplyCollector>(std::move(root));
}

}  // namespace vigil::agent
