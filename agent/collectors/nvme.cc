#include "agent/collectors/nvme.h"

#include <algorithm>
#include <filesystem>

#include "common/metric_builder.h"

namespace vigil::agent {
namespace {

constexpr const char* kNvme = "sys/class/nvme";

class NvmeCollector final : public RootCollector {
 public:
  explicit NvmeCollector(std::string root) : RootCollector("nvme", std::move(root)) {}

  Result<std::vector<wire::MetricFamily>> Collect() override {
    std::vector<std::string> devices;
    std::error_code ec;
    for (const auto& entry :
         std::filesystem::directory_iterator(std::filesystem::path(root_) / kNvme, ec)) {
      devices.push_back(entry.path().filename().string());
    }
    std::sort(devices.begin(), devices.end());
    auto info = MakeFamily("node_nvme_info",
                           "Non-numeric data from /sys/class/nvme/<device>, value is always 1.",
                           wire::METRIC_TYPE_GAUGE);
    for (const std::string& device : devices) {
      LabelPairs labels = {{"device", device}};
      for (const auto& [file, label] :
           {std::pair{"firmware_rev", "firmware_revision"}, std::pair{"model", "model"},
            std::pair{"serial", "serial"}, std::pair{"state", "state"}}) {
        Result<std::string> value =
            ReadSysAttribute(root_, std::string(kNvme) + "/" + device + "/" + file);
        if (!value) {
          // As upstream: a controller without one of these means no NVMe data at all.
          if (value.error().code == ErrorCode::kNotFound) return std::vector<wire::MetricFamily>{};
          return value.error();
        }
        labels.emplace_back(label, std::move(*value));
      }
      AddSeries(info, 1, labels);
    }
    std::vector<wire::MetricFamily> out;
    out.push_back(std::move(info));
    return out;
  }
};

}  // namespace

std::unique_ptr<Collector> MakeNvmeCollector(std::string root) {
  return std::make_unique<NvmeCollector>(std::move(root));
}

}  // namespace vigil::agent
