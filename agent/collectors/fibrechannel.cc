#include "agent/collectors/fibrechannel.h"

#include <algorithm>
#include <limits>

#include "agent/collectors/text.h"
#include "common/metric_builder.h"

namespace vigil::agent {
namespace {

constexpr const char* kHosts = "sys/class/fc_host";

struct Counter {
  const char* file;  // in statistics/
  const char* metric;
  const char* help;
};

// In node_exporter's order of export.
constexpr Counter kCounters[] = {
    {"dumped_frames", "dumped_frames_total", "Number of dumped frames"},
    {"error_frames", "error_frames_total", "Number of errors in frames"},
    {"invalid_crc_count", "invalid_crc_total", "Invalid Cyclic Redundancy Check count"},
    {"rx_frames", "rx_frames_total", "Number of frames received"},
    {"rx_words", "rx_words_total", "Number of words received by host port"},
    {"tx_frames", "tx_frames_total", "Number of frames transmitted by host port"},
    {"tx_words", "tx_words_total", "Number of words transmitted by host port"},
    {"seconds_since_last_reset", "seconds_since_last_reset_total",
     "Number of seconds since last host port reset"},
    {"invalid_tx_word_count", "invalid_tx_words_total",
     "Number of invalid words transmitted by host port"},
    {"link_failure_count", "link_failure_total", "Number of times the host port link has failed"},
    {"loss_of_sync_count", "loss_of_sync_total",
     "Number of failures on either bit or transmission word boundaries"},
    {"loss_of_signal_count", "loss_of_signal_total", "Number of times signal has been lost"},
    {"nos_count", "nos_total", "Number Not_Operational Primitive Sequence received by host port"},
    {"fcp_packet_aborts", "fcp_packet_aborts_total", "Number of aborted packets"},
};

// Attributes of the host folder, all required; the info labels are named as the files, and the
// four WWN-like ones lose their "0x".
constexpr const char* kAttributes[] = {
    "speed",         "port_state",        "port_type",       "node_name",
    "port_id",       "port_name",         "fabric_name",     "dev_loss_tmo",
    "symbolic_name", "supported_classes", "supported_speeds"};

bool DropsHexPrefix(std::string_view attribute) {
  return attribute == "node_name" || attribute == "port_id" || attribute == "port_name" ||
         attribute == "fabric_name";
}

class FibreChannelCollector final : public RootCollector {
 public:
  explicit FibreChannelCollector(std::string root)
      : RootCollector("fibrechannel", std::move(root)) {}

  Result<std::vector<wire::MetricFamily>> Collect() override {
    using Families = std::vector<wire::MetricFamily>;
    Result<std::vector<FolderEntry>> hosts = ListFolder(root_, kHosts);
    if (!hosts)
      return hosts.error().code == ErrorCode::kNotFound ? Result<Families>(Families{})
                                                        : hosts.error();
    auto info = MakeFamily("node_fibrechannel_info",
                           "Non-numeric data from /sys/class/fc_host/<host>, value is always 1.",
                           wire::METRIC_TYPE_GAUGE);
    Families counters;
    for (const Counter& counter : kCounters) {
      counters.push_back(MakeFamily(std::string("node_fibrechannel_") + counter.metric,
                                    counter.help, wire::METRIC_TYPE_COUNTER));
    }
    for (const FolderEntry& host : *hosts) {
      const std::string folder = std::string(kHosts) + "/" + host.name + "/";
      LabelPairs labels = {{"fc_host", host.name}};
      for (const char* attribute : kAttributes) {
        Result<std::string> value = ReadSysAttribute(root_, folder + attribute);
        if (!value) return value.error();
        if (DropsHexPrefix(attribute) && value->size() > 2) value->erase(0, 2);
        if (std::string_view(attribute) != "node_name")
          labels.emplace_back(attribute, std::move(*value));
      }
      std::sort(labels.begin(), labels.end());
      Result<std::vector<std::uint64_t>> values = ReadStatistics(folder + "statistics");
      if (!values) {
        // Upstream reports a host without statistics/ as no data at all.
        return values.error().code == ErrorCode::kNotFound ? Result<Families>(Families{})
                                                           : values.error();
      }
      AddSeries(info, 1, labels);
      for (std::size_t i = 0; i < counters.size(); ++i) {
        // All ones is how a driver says it does not count this.
        if ((*values)[i] == std::numeric_limits<std::uint64_t>::max()) continue;
        AddSeries(counters[i], static_cast<double>((*values)[i]), {{"fc_host", host.name}});
      }
    }
    Families out;
    out.push_back(std::move(info));
    for (auto& family : counters) out.push_back(std::move(family));
    return out;
  }

 private:
  // The counters of kCounters in its order; 0 for those the driver does not provide.
  Result<std::vector<std::uint64_t>> ReadStatistics(const std::string& folder) const {
    const auto counter_of = [](const std::string& file) {
      return std::find_if(std::begin(kCounters), std::end(kCounters),
                          [&](const Counter& c) { return file == c.file; });
    };
    Result<std::vector<AttributeRead>> attributes = ReadAttributesOf(
        root_, folder,
        [&](const std::string& file) { return counter_of(file) != std::end(kCounters); });
    if (!attributes) return attributes.error();
    std::vector<std::uint64_t> values(std::size(kCounters), 0);
    for (const auto& [file, text] : *attributes) {
      std::optional<std::uint64_t> value = ParseUintAnyBase(text);
      if (!value) return MakeError(ErrorCode::kParseFailed, folder + "/" + file + ": not a count");
      values[static_cast<std::size_t>(counter_of(file) - std::begin(kCounters))] = *value;
    }
    return values;
  }
};

}  // namespace

std::unique_ptr<Collector> MakeFibreChannelCollector(std::string root) {
  return std::make_unique<FibreChannelCollector>(std::move(root));
}

}  // namespace vigil::agent
