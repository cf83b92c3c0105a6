#include "agent/collectors/hwmon.h"

#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <map>
#include <optional>
#include <regex>

#include "agent/collectors/text.h"
#include "common/metric_builder.h"
#include "common/utf8.h"

namespace vigil::agent {
namespace {

namespace fs = std::filesystem;
using Families = std::vector<wire::MetricFamily>;
using SensorData =
    std::map<std::string, std::map<std::string, std::string>>;  // sensor -> element -> value

constexpr const char* kSensorTypes[] = {
    "vrm",  "beep_enable", "update_interval", "in",     "cpu",      "fan",      "pwm",
    "temp", "curr",        "power",           "energy", "humidity", "intrusion"};

struct Exploded {
  std::string type;
  int number = 0;
  std::string property;
};

// "temp1_crit_alarm" -> temp, 1, crit_alarm; "beep_enable" -> beep_enable, 0, "".
std::optional<Exploded> Explode(const std::string& filename) {
  static const std::regex kFormat("^([^0-9]+)([0-9]*)?(_(.+))?$");
  std::smatch match;
  if (!std::regex_match(filename, match, kFormat)) return std::nullopt;
  Exploded out{match.str(1), 0, match.str(4)};
  if (match[2].length() > 0) {
    try {
      const long number = std::stol(match.str(2));
      if (number > INT32_MAX) return std::nullopt;
      out.number = static_cast<int>(number);
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  return out;
}

// One read of at most 128 bytes, newlines trimmed (not spaces), as upstream's hwmon reads.
std::optional<std::string> ReadValue(const fs::path& file) {
  NoteHostAccess(HostAccess::kRead, file.string());
  const int fd = open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  char buffer[128];
  const ssize_t n = read(fd, buffer, sizeof buffer);
  close(fd);
  if (n < 0) return std::nullopt;
  std::string value(buffer, static_cast<std::size_t>(n));
  while (!value.empty() && value.front() == '\n') value.erase(0, 1);
  while (!value.empty() && value.back() == '\n') value.pop_back();
  return value;
}

void CollectSensorData(const fs::path& dir, SensorData& data) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string filename = entry.path().filename().string();
    std::optional<Exploded> parts = Explode(filename);
    if (!parts) continue;
    if (std::find(std::begin(kSensorTypes), std::end(kSensorTypes), parts->type) ==
        std::end(kSensorTypes)) {
      continue;
    }
    std::optional<std::string> value = ReadValue(entry.path());
    if (!value) continue;  // a folder ("power"), or unreadable
    data[parts->type + std::to_string(parts->number)][parts->property] = std::move(*value);
  }
}

// The chip label: the device the chip sits on ("platform_coretemp_0"), else its name file, else
// the folder's own name.
std::optional<std::string> ChipName(const fs::path& dir) {
  std::error_code ec;
  const fs::path device = fs::canonical(dir / "device", ec);
  if (!ec) {
    const std::string name = CleanHwmonName(device.filename().string());
    const std::string type = CleanHwmonName(device.parent_path().filename().string());
    if (!type.empty() && !name.empty()) return type + "_" + name;
    if (!name.empty()) return name;
  }
  if (std::optional<std::string> raw = ReadValue(dir / "name"); raw && !raw->empty()) {
    // upstream reads the whole file, newline and all, and cleans it
    const std::string clean = CleanHwmonName(*raw);
    if (!clean.empty()) return clean;
  }
  const fs::path real = fs::canonical(dir, ec);
  if (ec) return std::nullopt;
  const std::string clean = CleanHwmonName(real.filename().string());
  if (clean.empty()) return std::nullopt;
  return clean;
}

// One element of a sensor (`name` is its family name so far), with node_exporter's unit and
// scale for its type.
void AddElement(FamiliesByName& out, const std::string& name, const std::string& type,
                std::string element, double v, const LabelPairs& labels) {
  const auto gauge = wire::METRIC_TYPE_GAUGE;
  if (element == "fault" || element == "alarm") {
    out.Add(name, "Hardware sensor " + element + " status (" + type + ")", gauge, v, labels);
  } else if (element == "beep") {
    out.Add(name + "_enabled", "Hardware monitor sensor has beeping enabled", gauge, v, labels);
  } else if (type == "in" || type == "cpu") {
    out.Add(name + "_volts", "Hardware monitor for voltage (" + element + ")", gauge, v * 0.001,
            labels);
  } else if (type == "temp" && element != "type") {
    if (element.empty()) element = "input";
    out.Add(name + "_celsius", "Hardware monitor for temperature (" + element + ")", gauge,
            v * 0.001, labels);
  } else if (type == "curr") {
    out.Add(name + "_amps", "Hardware monitor for current (" + element + ")", gauge, v * 0.001,
            labels);
  } else if (type == "energy") {
    out.Add(name + "_joule_total", "Hardware monitor for joules used so far (" + element + ")",
            wire::METRIC_TYPE_COUNTER, v / 1000000.0, labels);
  } else if (type == "power" && element == "accuracy") {
    out.Add(name, "Hardware monitor power meter accuracy, as a ratio", gauge, v / 1000000.0,
            labels);
  } else if (type == "power" &&
             (element == "average_interval" || element == "average_interval_min" ||
              element == "average_interval_max")) {
    out.Add(name + "_seconds", "Hardware monitor power usage update interval (" + element + ")",
            gauge, v * 0.001, labels);
  } else if (type == "power") {
    out.Add(name + "_watt", "Hardware monitor for power usage in watts (" + element + ")", gauge,
            v / 1000000.0, labels);
  } else if (type == "humidity") {
    out.Add(name,
            "Hardware monitor for humidity, as a ratio (multiply with 100.0 to get the "
            "humidity as a "
            "percentage) (" +
                element + ")",
            gauge, v / 1000000.0, labels);
  } else if (type == "fan" &&
             (element == "input" || element == "min" || element == "max" || element == "target")) {
    out.Add(name + "_rpm", "Hardware monitor for fan revolutions per minute (" + element + ")",
            gauge, v, labels);
  } else {
    out.Add(name, "Hardware monitor " + type + " element " + element, gauge, v, labels);
  }
}

void ExportChip(const fs::path& dir, FamiliesByName& out) {
  std::optional<std::string> chip = ChipName(dir);
  if (!chip) return;
  SensorData data;
  CollectSensorData(dir, data);
  std::error_code ec;
  if (fs::exists(dir / "device", ec)) CollectSensorData(dir / "device", data);

  if (std::optional<std::string> raw = ReadValue(dir / "name"); raw && !raw->empty()) {
    const std::string chip_name = CleanHwmonName(*raw);
    if (!chip_name.empty()) {
      out.Add("node_hwmon_chip_names", "Annotation metric for human-readable chip names",
              wire::METRIC_TYPE_GAUGE, 1, {{"chip", *chip}, {"chip_name", chip_name}});
    }
  }
  const auto gauge = wire::METRIC_TYPE_GAUGE;
  for (const auto& [sensor, elements] : data) {
    const std::string type = Explode(sensor)->type;
    const LabelPairs labels = {{"chip", *chip}, {"sensor", sensor}};
    if (auto label = elements.find("label"); label != elements.end()) {
      out.Add("node_hwmon_sensor_label", "Label for given chip and sensor", gauge, 1,
              {{"chip", *chip}, {"sensor", sensor}, {"label", ToValidUtf8(label->second)}});
    }
    const auto bare = elements.find("");
    if (type == "beep_enable") {
      out.Add("node_hwmon_beep_enabled", "Hardware beep enabled", gauge,
              bare != elements.end() && bare->second == "1" ? 1 : 0, labels);
      continue;
    }
    if (type == "vrm" || type == "update_interval") {
      std::optional<double> value = ParseDouble(bare != elements.end() ? bare->second : "");
      if (!value) continue;
      if (type == "vrm") {
        out.Add("node_hwmon_voltage_regulator_version", "Hardware voltage regulator", gauge, *value,
                labels);
      } else {
        out.Add("node_hwmon_update_interval_seconds", "Hardware monitor update interval", gauge,
                *value * 0.001, labels);
      }
      continue;
    }
    const std::string prefix = "node_hwmon_" + type;
    for (const auto& [element_name, text] : elements) {
      std::string element = element_name;
      if (element == "label") continue;
      std::string name = prefix;
      if (element == "input") {
        if (bare != elements.end()) name += "_input";
      } else if (!element.empty()) {
        name += "_" + CleanHwmonName(element);
      }
      std::optional<double> value = ParseDouble(text);
      if (!value) continue;
      AddElement(out, name, type, element, *value, labels);
    }
  }
}

class HwmonCollector final : public RootCollector {
 public:
  explicit HwmonCollector(std::string root) : RootCollector("hwmon", std::move(root)) {}

  Result<Families> Collect() override {
    FamiliesByName out;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(fs::path(root_) / "sys/class/hwmon", ec)) {
      std::error_code status_error;
      if (!fs::is_directory(entry.path(), status_error)) continue;  // follows the usual symlink
      ExportChip(entry.path(), out);
    }
    return out.Take();
  }
};

}  // namespace

std::string CleanHwmonName(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (char c : name) {
    const char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const bool keep = (lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9') ||
                      lower == ':' || lower == '_';
    out += keep ? lower : '_';
  }
  const std::size_t first = out.find_first_not_of('_');
  if (first == std::string::npos) return "";
  return out.substr(first, out.find_last_not_of('_') - first + 1);
}

std::unique_ptr<Collector> MakeHwmonCollector(std::string root) {
  return std::make_unique<HwmonCollector>(std::move(root));
}

}  // namespace vigil::agent
