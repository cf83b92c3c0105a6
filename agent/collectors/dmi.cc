#include "agent/collectors/dmi.h"

#include <filesystem>
#include <map>
#include <optional>

#include "common/metric_builder.h"

namespace vigil::agent {
namespace {

constexpr const char* kDmiFolder = "sys/class/dmi/id";

// The length of the valid UTF-8 sequence starting `text`, or 0.
std::size_t ValidSequence(std::string_view text) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // the second byte's range
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;  // no surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (text.size() < length || byte(1) < low || byte(1) > high) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
  }
  return length;
}

class DmiCollector final : public Collector {
 public:
  explicit DmiCollector(std::string root) : root_(std::move(root)) {}
  const std::string& name() const override { return name_; }

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
        {"bios_date", "bios_date"},           {"bios_release", "bios_release"},
        {"bios_vendor", "bios_vendor"},       {"bios_version", "bios_version"},
        {"board_asset_tag", "board_asset_tag"}, {"board_name", "board_name"},
        {"board_serial", "board_serial"},     {"board_vendor", "board_vendor"},
        {"board_version", "board_version"},   {"chassis_asset_tag", "chassis_asset_tag"},
        {"chassis_serial", "chassis_serial"}, {"chassis_vendor", "chassis_vendor"},
        {"chassis_version", "chassis_version"}, {"product_family", "product_family"},
        {"product_name", "product_name"},     {"product_serial", "product_serial"},
        {"product_sku", "product_sku"},       {"product_uuid", "product_uuid"},
        {"product_version", "product_version"}, {"sys_vendor", "system_vendor"}};
    LabelPairs labels;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(root_) / kDmiFolder, ec)) {
      if (!entry.is_regular_file(ec)) continue;
      auto label = kLabels.find(entry.path().filename().string());
      if (label == kLabels.end()) continue;
      Result<std::string> value = ReadSysAttribute(root_, std::string(kDmiFolder) + "/" + label->first);
      if (!value) continue;  // root-only serials, when the agent is not root
      labels.emplace_back(label->second, ValidUtf8(*value));
    }
    std::sort(labels.begin(), labels.end());
    return labels;
  }

  const std::string name_ = "dmi";
  std::string root_;
  std::optional<LabelPairs> labels_;  // read once: the firmware does not change while we run
};

}  // namespace

std::string ValidUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool in_invalid_run = false;
  while (!text.empty()) {
    const std::size_t length = ValidSequence(text);
    if (length == 0) {
      if (!in_invalid_run) out += "\xEF\xBF\xBD";
      in_invalid_run = true;
      text.remove_prefix(1);
      continue;
    }
    in_invalid_run = false;
    out.append(text.substr(0, length));
    text.remove_prefix(length);
  }
  return out;
}

std::unique_ptr<Collector> MakeDmiCollector(std::string root) {
  return std::make_unique<DmiCollector>(std::move(root));
}

}  // namespace vigil::agent
