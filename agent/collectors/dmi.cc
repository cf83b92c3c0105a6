#include "agent/collectors/dmi.h"

#include <filesystem>
#include <map>
#include <optional>

#include "common/metric_builder.h"
#include "common/utf8.h"

namespace vigil::agent {
namespace {

constexpr const char* kDmiFolder = "sys/class/dmi/id";

class DmiCollector final : public RootCollector {
 public:
  explicit DmiCollector(std::string root) : RootCollector("dmi", std::move(root)) {}

  Result<std::vector<wire::MetricFamily>> Collect() override {
    if (!labels_) labels_ = ReadLabels();
    std::vector<wire::MetricFamily> out;
    if (labels_->empty()) return out;
    auto info = MakeFamily(
        "node_dmi_info",
        "A metric with a constant '1' value labeled by bios_date, bios_release, bios_vendor, "
        "bios_version, board_asset_tag, board_name, board_serial, board_vendor, board_version, "
        "chassis_asset_tag, chassis_serial, chassis_vendor, chassis_version, product_family, "
        "product_name, product_serial, product_sku, product_uuid, product_version, system_vendor "
        "if provided by DMI.",
        wire::METRIC_TYPE_GAUGE);
    AddSeries(info, 1, *labels_);
    out.push_back(std::move(info));
    return out;
  }

 private:
  LabelPairs ReadLabels() const {
    // File name -> label name (sys_vendor is system_vendor, as upstream calls it).
    static const std::map<std::string, std::string> kLabels = {
        {"bios_date", "bios_date"},
        {"bios_release", "bios_release"},
        {"bios_vendor", "bios_vendor"},
        {"bios_version", "bios_version"},
        {"board_asset_tag", "board_asset_tag"},
        {"board_name", "board_name"},
        {"board_serial", "board_serial"},
        {"board_vendor", "board_vendor"},
        {"board_version", "board_version"},
        {"chassis_asset_tag", "chassis_asset_tag"},
        {"chassis_serial", "chassis_serial"},
        {"chassis_vendor", "chassis_vendor"},
        {"chassis_version", "chassis_version"},
        {"product_family", "product_family"},
        {"product_name", "product_name"},
        {"product_serial", "product_serial"},
        {"product_sku", "product_sku"},
        {"product_uuid", "product_uuid"},
        {"product_version", "product_version"},
        {"sys_vendor", "system_vendor"}};
    LabelPairs labels;
    std::error_code ec;
    for (const auto& entry :
         std::filesystem::directory_iterator(std::filesystem::path(root_) / kDmiFolder, ec)) {
      if (!entry.is_regular_file(ec)) continue;
      auto label = kLabels.find(entry.path().filename().string());
      if (label == kLabels.end()) continue;
      Result<std::string> value =
          ReadSysAttribute(root_, std::string(kDmiFolder) + "/" + label->first);
      if (!value) continue;  // root-only serials, when the agent is not root
      labels.emplace_back(label->second, ToValidUtf8(*value));
    }
    std::sort(labels.begin(), labels.end());
    return labels;
  }

  std::optional<LabelPairs> labels_;  // read once: the firmware does not change while we run
};

}  // namespace

std::unique_ptr<Collector> MakeDmiCollector(std::string root) {
  return std::make_unique<DmiCollector>(std::move(root));
}

}  // namespace vigil::agent
