#include "agent/collectors/edac.h"

#include "agent/collectors/text.h"
#include "common/metric_builder.h"

namespace vigil::agent {
namespace {

constexpr const char* kControllers = "sys/devices/system/edac/mc";

// The digits right after the prefix: "mc10" -> "10".
std::string NumberOf(const std::string& name, std::size_t prefix_length) {
  std::size_t end = prefix_length;
  while (end < name.size() && std::isdigit(static_cast<unsigned char>(name[end]))) ++end;
  return name.substr(prefix_length, end - prefix_length);
}

class EdacCollector final : public RootCollector {
 public:
  explicit EdacCollector(std::string root) : RootCollector("edac", std::move(root)) {}

  Result<std::vector<wire::MetricFamily>> Collect() override {
    auto ce = MakeFamily("node_edac_correctable_errors_total", "Total correctable memory errors.",
                         wire::METRIC_TYPE_COUNTER);
    auto ue = MakeFamily("node_edac_uncorrectable_errors_total",
                         "Total uncorrectable memory errors.", wire::METRIC_TYPE_COUNTER);
    auto row_ce =
        MakeFamily("node_edac_csrow_correctable_errors_total",
                   "Total correctable memory errors for this csrow.", wire::METRIC_TYPE_COUNTER);
    auto row_ue =
        MakeFamily("node_edac_csrow_uncorrectable_errors_total",
                   "Total uncorrectable memory errors for this csrow.", wire::METRIC_TYPE_COUNTER);
    const ReadRelative files = ReaderUnder(root_);
    const auto count = [&files](const std::string& relative) -> Result<double> {
      Result<std::uint64_t> value = ReadUintFile(files, relative);
      if (!value) return value.error();
      return static_cast<double>(*value);
    };
    for (const std::string& controller_dir : NumberedEntries(root_, kControllers, "mc")) {
      const std::string controller = NumberOf(controller_dir, 2);
      const std::string base = std::string(kControllers) + "/" + controller_dir + "/";
      struct Read {
        const char* file;
        wire::MetricFamily* family;
        bool unplaced;  // a csrow series labelled "unknown"
      };
      for (const Read& read :
           {Read{"ce_count", &ce, false}, Read{"ce_noinfo_count", &row_ce, true},
            Read{"ue_count", &ue, false}, Read{"ue_noinfo_count", &row_ue, true}}) {
        Result<double> value = count(base + read.file);
        if (!value) return value.error();
        LabelPairs labels = {{"controller", controller}};
        if (read.unplaced) labels.emplace_back("csrow", "unknown");
        AddSeries(*read.family, *value, labels);
      }
      for (const std::string& row_dir : NumberedEntries(root_, base, "csrow")) {
        const LabelPairs labels = {{"controller", controller}, {"csrow", NumberOf(row_dir, 5)}};
        Result<double> corrected = count(base + row_dir + "/ce_count");
        if (!corrected) return corrected.error();
        AddSeries(row_ce, *corrected, labels);
        Result<double> uncorrected = count(base + row_dir + "/ue_count");
        if (!uncorrected) return uncorrected.error();
        AddSeries(row_ue, *uncorrected, labels);
      }
    }
    std::vector<wire::MetricFamily> out;
    for (auto* family : {&ce, &ue, &row_ce, &row_ue}) out.push_back(std::move(*family));
    return out;
  }
};

}  // namespace

std::unique_ptr<Collector> MakeEdacCollector(std::string root) {
  return std::make_unique<EdacCollector>(std::move(root));
}

}  // namespace vigil::agent
