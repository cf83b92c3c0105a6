#include "agent/collectors/netclass.h"

#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "agent/collectors/text.h"
#include "common/metric_builder.h"

namespace vigil::agent {
namespace {

using Families = std::vector<wire::MetricFamily>;

constexpr const char* kNetClass = "sys/class/net";

// The numeric attributes, by file, with node_network_<metric>'s name and type.
struct Attribute {
  const char* file;
  const char* metric;
  wire::MetricType type;
};
constexpr Attribute kNumeric[] = {
    {"addr_assign_type", "address_assign_type", wire::METRIC_TYPE_GAUGE},
    {"carrier", "carrier", wire::METRIC_TYPE_GAUGE},
    {"carrier_changes", "carrier_changes_total", wire::METRIC_TYPE_COUNTER},
    {"carrier_up_count", "carrier_up_changes_total", wire::METRIC_TYPE_COUNTER},
    {"carrier_down_count", "carrier_down_changes_total", wire::METRIC_TYPE_COUNTER},
    {"dev_id", "device_id", wire::METRIC_TYPE_GAUGE},
    {"dormant", "dormant", wire::METRIC_TYPE_GAUGE},
    {"flags", "flags", wire::METRIC_TYPE_GAUGE},
    {"ifindex", "iface_id", wire::METRIC_TYPE_GAUGE},
    {"iflink", "iface_link", wire::METRIC_TYPE_GAUGE},
    {"link_mode", "iface_link_mode", wire::METRIC_TYPE_GAUGE},
    {"mtu", "mtu_bytes", wire::METRIC_TYPE_GAUGE},
    {"name_assign_type", "name_assign_type", wire::METRIC_TYPE_GAUGE},
    {"netdev_group", "net_dev_group", wire::METRIC_TYPE_GAUGE},
    {"speed", "speed_bytes", wire::METRIC_TYPE_GAUGE},
    {"tx_queue_len", "transmit_queue_length", wire::METRIC_TYPE_GAUGE},
    {"type", "protocol_type", wire::METRIC_TYPE_GAUGE},
};

// strconv.ParseInt(text, 0, 64) as procfs uses it: a 0x, 0o, 0b or 0 prefix picks the base; what
// does not parse counts as 0 (procfs keeps the value, zeroed, rather than dropping it).
std::int64_t ParseIntAnyBase(std::string text) {
  bool negative = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    negative = text[0] == '-';
    text.erase(0, 1);
  }
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    text.erase(0, 2);
  } else if (text.size() > 2 && text[0] == '0' && (text[1] == 'o' || text[1] == 'O')) {
    base = 8;
    text.erase(0, 2);
  } else if (text.size() > 2 && text[0] == '0' && (text[1] == 'b' || text[1] == 'B')) {
    base = 2;
    text.erase(0, 2);
  } else if (text.size() > 1 && text[0] == '0') {
    base = 8;
    text.erase(0, 1);
  }
  if (text.empty()) return 0;
  std::uint64_t magnitude = 0;
  for (char c : text) {
    int digit = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'z' ? c - 'a' + 10
                : c >= 'A' && c <= 'Z' ? c - 'A' + 10
                                       : 99;
    if (digit >= base) return 0;
    if (magnitude >
        (UINT64_MAX - static_cast<std::uint64_t>(digit)) / static_cast<std::uint64_t>(base))
      return 0;
    magnitude = magnitude * static_cast<std::uint64_t>(base) + static_cast<std::uint64_t>(digit);
  }
  const std::uint64_t limit = negative ? (1ULL << 63) : (1ULL << 63) - 1;
  if (magnitude > limit) return 0;
  return negative ? static_cast<std::int64_t>(0 - magnitude) : static_cast<std::int64_t>(magnitude);
}

bool Skippable(const Error& error) {
  return error.code == ErrorCode::kNotFound || error.code == ErrorCode::kPermissionDenied ||
         error.code == ErrorCode::kInvalidArgument || error.code == ErrorCode::kNotSupported;
}

class NetclassCollector final : public RootCollector {
 public:
  explicit NetclassCollector(std::string root) : RootCollector("netclass", std::move(root)) {}

  Result<Families> Collect() override {
    namespace fs = std::filesystem;
    std::vector<std::string> devices;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(fs::path(root_) / kNetClass, ec)) {
      if (fs::is_regular_file(entry.symlink_status(ec))) continue;  // bonding_masters
      devices.push_back(entry.path().filename().string());
    }
    std::sort(devices.begin(), devices.end());

    auto up = MakeFamily("node_network_up", "Value is 1 if operstate is 'up', 0 otherwise.",
                         wire::METRIC_TYPE_GAUGE);
    auto info = MakeFamily("node_network_info",
                           "Non-numeric data from /sys/class/net/<iface>, value is always 1.",
                           wire::METRIC_TYPE_GAUGE);
    std::map<std::string, wire::MetricFamily> numeric;
    for (const Attribute& attribute : kNumeric) {
      numeric.emplace(
          attribute.metric,
          MakeFamily(std::string("node_network_") + attribute.metric,
                     std::string("Network device property: ") + attribute.metric, attribute.type));
    }
    for (const std::string& device : devices) {
      const std::string base = std::string(kNetClass) + "/" + device + "/";
      // Only regular files count, as upstream reads them (not the links beside them): one listing
      // of the folder says which exist, instead of a stat per attribute.
      std::set<std::string> files;
      for (const auto& entry : fs::directory_iterator(fs::path(root_) / base, ec)) {
        std::error_code type_error;
        if (entry.is_regular_file(type_error) && !entry.is_symlink(type_error)) {
          files.insert(entry.path().filename().string());
        }
      }
      const auto read = [&](const char* file) -> Result<std::optional<std::string>> {
        if (files.count(file) == 0) return std::optional<std::string>();
        Result<std::string> value = ReadSysAttribute(root_, base + file);
        if (!value) {
          if (Skippable(value.error())) return std::optional<std::string>();
          return value.error();
        }
        return std::optional<std::string>(std::move(*value));
      };
      std::map<std::string, std::string> text;
      for (const char* file : {"address", "broadcast", "duplex", "operstate", "ifalias"}) {
        auto value = read(file);
        if (!value) return value.error();
        text[file] = value->value_or("");
      }
      AddSeries(up, text["operstate"] == "up" ? 1 : 0, {{"device", device}});
      AddSeries(info, 1,
                {{"device", device},
                 {"address", text["address"]},
                 {"broadcast", text["broadcast"]},
                 {"duplex", text["duplex"]},
                 {"operstate", text["operstate"]},
                 {"ifalias", text["ifalias"]}});
      for (const Attribute& attribute : kNumeric) {
        auto value = read(attribute.file);
        if (!value) return value.error();
        if (!*value) continue;
        std::int64_t number = ParseIntAnyBase(**value);
        // Mbit/s to bytes per second, in integers as upstream computes it (-1, unknown, stays
        // negative).
        if (std::string(attribute.file) == "speed") number = number * 1000 * 1000 / 8;
        AddSeries(numeric.at(attribute.metric), static_cast<double>(number), {{"device", device}});
      }
    }
    Families out;
    out.push_back(std::move(up));
    out.push_back(std::move(info));
    for (auto& [metric, family] : numeric) out.push_back(std::move(family));
    return out;
  }
};

}  // namespace

std::unique_ptr<Collector> MakeNetclassCollector(std::string root) {
  return std::make_unique<NetclassCollector>(std::move(root));
}

std::unique_ptr<Collector> MakeBondingCollector(std::string root) {
  return MakeFileCollector(
      "bonding", std::move(root), [](const ReadRelative& read) -> Result<Families> {
        const std::string net = std::string(kNetClass) + "/";
        auto slaves =
            MakeFamily("node_bonding_slaves", "Number of configured slaves per bonding interface.",
                       wire::METRIC_TYPE_GAUGE);
        auto active =
            MakeFamily("node_bonding_active", "Number of active slaves per bonding interface.",
                       wire::METRIC_TYPE_GAUGE);
        // Any missing file means no bonding to report (upstream's ErrNoData), not a failure.
        const auto absent = [](const Error& error) { return error.code == ErrorCode::kNotFound; };
        Result<std::string> masters = read(net + "bonding_masters");
        if (!masters)
          return absent(masters.error()) ? Result<Families>(Families{}) : masters.error();
        for (std::string_view master : SplitWords(*masters)) {
          const std::string base = net + std::string(master) + "/";
          Result<std::string> members = read(base + "bonding/slaves");
          if (!members)
            return absent(members.error()) ? Result<Families>(Families{}) : members.error();
          double configured = 0, up = 0;
          for (std::string_view slave : SplitWords(*members)) {
            Result<std::string> state =
                read(base + "lower_" + std::string(slave) + "/bonding_slave/mii_status");
            if (!state && absent(state.error())) {
              state = read(base + "slave_" + std::string(slave) + "/bonding_slave/mii_status");
            }
            if (!state) return absent(state.error()) ? Result<Families>(Families{}) : state.error();
            ++configured;
            if (Trim(*state) == "up") ++up;
          }
          AddSeries(slaves, configured, {{"master", std::string(master)}});
          AddSeries(active, up, {{"master", std::string(master)}});
        }
        Families out;
        out.push_back(std::move(slaves));
        out.push_back(std::move(active));
        return out;
      });
}

}  // namespace vigil::agent
