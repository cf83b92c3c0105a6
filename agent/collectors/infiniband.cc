#include "agent/collectors/infiniband.h"

#include <algorithm>
#include <cstdlib>
#include <optional>

#include "agent/collectors/text.h"
#include "common/metric_builder.h"

namespace vigil::agent {
namespace {

using Families = std::vector<wire::MetricFamily>;

constexpr const char* kDevices = "sys/class/infiniband";

struct Counter {
  const char* file;  // in the port's counters/ or counters_ext/
  bool extended;     // counters_ext/
  bool words;        // counts 4-byte words; exported as bytes
  const char* metric;
  const char* help;
};

constexpr Counter kCounters[] = {
    {"port_multicast_rcv_packets", true, false, "legacy_multicast_packets_received_total",
     "Number of multicast packets received"},
    {"port_multicast_xmit_packets", true, false, "legacy_multicast_packets_transmitted_total",
     "Number of multicast packets transmitted"},
    {"port_rcv_data_64", true, true, "legacy_data_received_bytes_total",
     "Number of data octets received on all links"},
    {"port_rcv_packets_64", true, false, "legacy_packets_received_total",
     "Number of data packets received on all links"},
    {"port_unicast_rcv_packets", true, false, "legacy_unicast_packets_received_total",
     "Number of unicast packets received"},
    {"port_unicast_xmit_packets", true, false, "legacy_unicast_packets_transmitted_total",
     "Number of unicast packets transmitted"},
    {"port_xmit_data_64", true, true, "legacy_data_transmitted_bytes_total",
     "Number of data octets transmitted on all links"},
    // Upstream's help text says "received" for this transmit counter; kept for parity.
    {"port_xmit_packets_64", true, false, "legacy_packets_transmitted_total",
     "Number of data packets received on all links"},
    {"excessive_buffer_overrun_errors", false, false, "excessive_buffer_overrun_errors_total",
     "Number of times that OverrunErrors consecutive flow control update periods occurred, each "
     "having at "
     "least one overrun error."},
    {"link_downed", false, false, "link_downed_total",
     "Number of times the link failed to recover from an error state and went down"},
    {"link_error_recovery", false, false, "link_error_recovery_total",
     "Number of times the link successfully recovered from an error state"},
    {"local_link_integrity_errors", false, false, "local_link_integrity_errors_total",
     "Number of times that the count of local physical errors exceeded the threshold specified by "
     "LocalPhyErrors."},
    {"multicast_rcv_packets", false, false, "multicast_packets_received_total",
     "Number of multicast packets received (including errors)"},
    {"multicast_xmit_packets", false, false, "multicast_packets_transmitted_total",
     "Number of multicast packets transmitted (including errors)"},
    {"port_rcv_constraint_errors", false, false, "port_constraint_errors_received_total",
     "Number of packets received on the switch physical port that are discarded"},
    {"port_xmit_constraint_errors", false, false, "port_constraint_errors_transmitted_total",
     "Number of packets not transmitted from the switch physical port"},
    {"port_rcv_data", false, true, "port_data_received_bytes_total",
     "Number of data octets received on all links"},
    {"port_xmit_data", false, true, "port_data_transmitted_bytes_total",
     "Number of data octets transmitted on all links"},
    {"port_rcv_discards", false, false, "port_discards_received_total",
     "Number of inbound packets discarded by the port because the port is down or congested"},
    {"port_xmit_discards", false, false, "port_discards_transmitted_total",
     "Number of outbound packets discarded by the port because the port is down or congested"},
    {"port_rcv_errors", false, false, "port_errors_received_total",
     "Number of packets containing an error that were received on this port"},
    {"port_rcv_packets", false, false, "port_packets_received_total",
     "Number of packets received on all VLs by this port (including errors)"},
    {"port_xmit_packets", false, false, "port_packets_transmitted_total",
     "Number of packets transmitted on all VLs from this port (including errors)"},
    {"port_xmit_wait", false, false, "port_transmit_wait_total",
     "Number of ticks during which the port had data to transmit but no data was sent during the "
     "entire tick"},
    {"unicast_rcv_packets", false, false, "unicast_packets_received_total",
     "Number of unicast packets received (including errors)"},
    {"unicast_xmit_packets", false, false, "unicast_packets_transmitted_total",
     "Number of unicast packets transmitted (including errors)"},
    {"port_rcv_remote_physical_errors", false, false, "port_receive_remote_physical_errors_total",
     "Number of packets marked with the EBP (End of Bad Packet) delimiter received on the port."},
    {"port_rcv_switch_relay_errors", false, false, "port_receive_switch_relay_errors_total",
     "Number of packets that could not be forwarded by the switch."},
    {"symbol_error", false, false, "symbol_error_total",
     "Number of minor link errors detected on one or more physical lanes."},
    {"VL15_dropped", false, false, "vl15_dropped_total",
     "Number of incoming VL15 packets dropped due to resource limitations."},
};

// "4: ACTIVE" -> 4: exactly one colon, a decimal id before it.
std::optional<std::uint64_t> ParseStateId(std::string_view text) {
  if (std::count(text.begin(), text.end(), ':') != 1) return std::nullopt;
  const std::optional<std::uint64_t> id = ParseUint(Trim(text.substr(0, text.find(':'))));
  if (!id || *id > 0xffffffffu) return std::nullopt;
  return id;
}

// "100 Gb/sec (4X EDR)" -> bytes per second. The number is parsed at float32 precision and scaled
// by 125000000 (Gb/s to B/s), as upstream does.
std::optional<std::uint64_t> ParseRate(std::string_view text) {
  const std::size_t space = text.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  const std::string number(Trim(text.substr(0, space + 1)));
  char* end = nullptr;
  const float gigabits = std::strtof(number.c_str(), &end);
  if (number.empty() || end != number.c_str() + number.size()) return std::nullopt;
  return static_cast<std::uint64_t>(static_cast<double>(gigabits) * 125000000);
}

class InfinibandCollector final : public RootCollector {
 public:
  explicit InfinibandCollector(std::string root) : RootCollector("infiniband", std::move(root)) {}

  Result<Families> Collect() override {
    // Upstream treats a missing file anywhere (a device without ports/, a port without rate) as
    // no InfiniBand data at all, and says nothing.
    Result<Families> families = Gather();
    if (!families && families.error().code == ErrorCode::kNotFound) return Families{};
    return families;
  }

 private:
  Result<Families> Gather() const {
    Result<std::vector<FolderEntry>> devices = ListFolder(root_, kDevices);
    if (!devices) return devices.error();
    auto info =
        MakeFamily("node_infiniband_info",
                   "Non-numeric data from /sys/class/infiniband/<device>, value is always 1.",
                   wire::METRIC_TYPE_GAUGE);
    auto state = MakeFamily(
        "node_infiniband_state_id",
        "State of the InfiniBand port (0: no change, 1: down, 2: init, 3: armed, 4: active, 5: "
        "act defer)",
        wire::METRIC_TYPE_GAUGE);
    auto physical_state =
        MakeFamily("node_infiniband_physical_state_id",
                   "Physical state of the InfiniBand port (0: no change, 1: sleep, 2: polling, 3: "
                   "disable, 4: shift, 5: link up, 6: link error recover, 7: phytest)",
                   wire::METRIC_TYPE_GAUGE);
    auto rate = MakeFamily("node_infiniband_rate_bytes_per_second", "Maximum signal transfer rate",
                           wire::METRIC_TYPE_GAUGE);
    Families counters;
    for (const Counter& counter : kCounters) {
      counters.push_back(MakeFamily(std::string("node_infiniband_") + counter.metric, counter.help,
                                    wire::METRIC_TYPE_COUNTER));
    }
    for (const FolderEntry& device : *devices) {
      const std::string folder = std::string(kDevices) + "/" + device.name + "/";
      LabelPairs labels = {{"device", device.name}};
      for (const auto& [file, label] :
           {std::pair{"board_id", "board_id"}, std::pair{"fw_ver", "firmware_version"},
            std::pair{"hca_type", "hca_type"}}) {
        Result<std::string> value = ReadSysAttribute(root_, folder + file);
        if (!value && value.error().code == ErrorCode::kNotFound &&
            std::string_view(file) == "hca_type") {
          value = std::string();
        }
        if (!value) return value.error();
        labels.emplace_back(label, std::move(*value));
      }
      std::sort(labels.begin(), labels.end());
      Result<std::vector<FolderEntry>> ports = ListFolder(root_, folder + "ports");
      if (!ports) return ports.error();
      AddSeries(info, 1, labels);
      for (const FolderEntry& port : *ports) {
        const std::optional<std::uint64_t> number = ParseUint(port.name);
        if (!number || *number > 0xffffffffu)
          return MakeError(ErrorCode::kParseFailed,
                           folder + "ports/" + port.name + ": not a port number");
        const std::string port_folder = folder + "ports/" + port.name + "/";
        const LabelPairs port_labels = {{"device", device.name}, {"port", std::to_string(*number)}};
        for (const auto& [file, family] :
             {std::pair{"state", &state}, std::pair{"phys_state", &physical_state}}) {
          Result<std::string> text = ReadFileUnderRoot(root_, port_folder + file);
          if (!text) return text.error();
          const std::optional<std::uint64_t> id = ParseStateId(*text);
          if (!id)
            return MakeError(ErrorCode::kParseFailed, port_folder + file + ": not \"ID: NAME\"");
          AddSeries(*family, static_cast<double>(*id), port_labels);
        }
        Result<std::string> rate_text = ReadFileUnderRoot(root_, port_folder + "rate");
        if (!rate_text) return rate_text.error();
        const std::optional<std::uint64_t> bytes_per_second = ParseRate(*rate_text);
        if (!bytes_per_second)
          return MakeError(ErrorCode::kParseFailed, port_folder + "rate: not \"N Gb/sec\"");
        AddSeries(rate, static_cast<double>(*bytes_per_second), port_labels);
        Result<std::vector<std::optional<std::uint64_t>>> values = ReadCounters(port_folder);
        if (!values) return values.error();
        for (std::size_t i = 0; i < counters.size(); ++i) {
          if ((*values)[i]) AddSeries(counters[i], static_cast<double>(*(*values)[i]), port_labels);
        }
      }
    }
    Families out;
    for (auto* family : {&info, &state, &physical_state, &rate}) out.push_back(std::move(*family));
    for (auto& family : counters) out.push_back(std::move(family));
    return out;
  }

  // The counters of kCounters in its order; none for those the port does not have.
  Result<std::vector<std::optional<std::uint64_t>>> ReadCounters(
      const std::string& port_folder) const {
    std::vector<std::optional<std::uint64_t>> values(std::size(kCounters));
    for (const bool extended : {false, true}) {
      const std::string folder = port_folder + (extended ? "counters_ext" : "counters");
      const auto counter_of = [extended](const std::string& file) {
        return std::find_if(std::begin(kCounters), std::end(kCounters), [&](const Counter& c) {
          return c.extended == extended && file == c.file;
        });
      };
      Result<std::vector<AttributeRead>> attributes = ReadAttributesOf(
          root_, folder,
          [&](const std::string& file) { return counter_of(file) != std::end(kCounters); },
          /*skip_unreadable=*/true);
      if (!attributes) {
        if (extended && attributes.error().code == ErrorCode::kNotFound)
          break;  // older kernels have none
        return attributes.error();
      }
      for (const auto& [file, text] : *attributes) {
        std::optional<std::uint64_t> value = ParseUintAnyBase(text);
        if (!value) {
          // A port without a performance management agent has no counters to give.
          if (text.find("N/A (no PMA)") != std::string::npos) continue;
          return MakeError(ErrorCode::kParseFailed, folder + "/" + file + ": not a count");
        }
        const auto* counter = counter_of(file);
        if (counter->words) *value *= 4;
        values[static_cast<std::size_t>(counter - std::begin(kCounters))] = value;
      }
    }
    return values;
  }
};

}  // namespace

std::unique_ptr<Collector> MakeInfinibandCollector(std::string root) {
  return std::make_unique<InfinibandCollector>(std::move(root));
}

}  // namespace vigil::agent
