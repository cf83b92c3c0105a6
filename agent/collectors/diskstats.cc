#include "agent/collectors/diskstats.h"

#include <filesystem>

#include "agent/collectors/name_filter.h"
#include "agent/collectors/text.h"
#include "common/metric_builder.h"

namespace vigil::agent {
namespace {

constexpr double kSectorBytes = 512.0;  // diskstats sectors are always 512 bytes
constexpr double kSecondsPerTick = 1.0 / 1000.0;

struct Column {
  const char* name;
  const char* help;
  wire::MetricType type;
  double scale;
};

// The numeric columns of /proc/diskstats in order (see the kernel's iostats.rst).
const Column kColumns[] = {
    {"node_disk_reads_completed_total", "The total number of reads completed successfully.",
     wire::METRIC_TYPE_COUNTER, 1},
    {"node_disk_reads_merged_total", "The total number of reads merged.", wire::METRIC_TYPE_COUNTER,
     1},
    {"node_disk_read_bytes_total", "The total number of bytes read successfully.",
     wire::METRIC_TYPE_COUNTER, kSectorBytes},
    {"node_disk_read_time_seconds_total", "The total number of seconds spent by all reads.",
     wire::METRIC_TYPE_COUNTER, kSecondsPerTick},
    {"node_disk_writes_completed_total", "The total number of writes completed successfully.",
     wire::METRIC_TYPE_COUNTER, 1},
    {"node_disk_writes_merged_total", "The number of writes merged.", wire::METRIC_TYPE_COUNTER, 1},
    {"node_disk_written_bytes_total", "The total number of bytes written successfully.",
     wire::METRIC_TYPE_COUNTER, kSectorBytes},
    {"node_disk_write_time_seconds_total",
     "This is the total number of seconds spent by all writes.", wire::METRIC_TYPE_COUNTER,
     kSecondsPerTick},
    {"node_disk_io_now", "The number of I/Os currently in progress.", wire::METRIC_TYPE_GAUGE, 1},
    {"node_disk_io_time_seconds_total", "Total seconds spent doing I/Os.",
     wire::METRIC_TYPE_COUNTER, kSecondsPerTick},
    {"node_disk_io_time_weighted_seconds_total", "The weighted # of seconds spent doing I/Os.",
     wire::METRIC_TYPE_COUNTER, kSecondsPerTick},
    {"node_disk_discards_completed_total", "The total number of discards completed successfully.",
     wire::METRIC_TYPE_COUNTER, 1},
    {"node_disk_discards_merged_total", "The total number of discards merged.",
     wire::METRIC_TYPE_COUNTER, 1},
    {"node_disk_discarded_sectors_total", "The total number of sectors discarded successfully.",
     wire::METRIC_TYPE_COUNTER, 1},
    {"node_disk_discard_time_seconds_total",
     "This is the total number of seconds spent by all discards.", wire::METRIC_TYPE_COUNTER,
     kSecondsPerTick},
    {"node_disk_flush_requests_total", "The total number of flush requests completed successfully",
     wire::METRIC_TYPE_COUNTER, 1},
    {"node_disk_flush_requests_time_seconds_total",
     "This is the total number of seconds spent by all flush requests.", wire::METRIC_TYPE_COUNTER,
     kSecondsPerTick},
};

std::string Property(const std::map<std::string, std::string>& properties, const char* key) {
  auto it = properties.find(key);
  return it == properties.end() ? std::string() : it->second;
}

class DiskstatsCollector final : public Collector {
 public:
  explicit DiskstatsCollector(DiskstatsOptions options)
      : options_(std::move(options)),
        // As in node_exporter, a device include list replaces the exclusions.
        devices_(options_.device_include,
                 options_.device_include.empty() ? options_.device_exclude : "") {}

  const std::string& name() const override { return name_; }

  Result<std::vector<wire::MetricFamily>> Collect() override {
    Result<std::string> text = ReadFileUnderRoot(options_.root, "proc/diskstats");
    if (!text) return text.error();
    Result<std::vector<DiskStats>> disks = ParseDiskstats(*text);
    if (!disks) return disks.error();
    std::vector<DiskStats> kept;
    std::map<std::string, std::map<std::string, std::string>> udev;
    for (DiskStats& disk : *disks) {
      if (!devices_.Keep(disk.device)) continue;
      const std::string key = "b" + disk.major + ":" + disk.minor;
      if (Result<std::string> data = ReadFileUnderRoot(options_.root, "run/udev/data/" + key)) {
        udev[key] = ParseUdevProperties(*data);
      }
      kept.push_back(std::move(disk));
    }
    return DiskstatsFamilies(kept, udev);
  }

 private:
  const std::string name_ = "diskstats";
  DiskstatsOptions options_;
  NameFilter devices_;
};

}  // namespace

Result<std::vector<DiskStats>> ParseDiskstats(std::string_view text) {
  std::vector<DiskStats> disks;
  for (std::string_view line : SplitLines(text)) {
    const std::vector<std::string_view> fields = SplitFields(line);
    if (fields.empty()) continue;
    if (fields.size() < 14) {
      return MakeError(ErrorCode::kParseFailed,
                       "/proc/diskstats: too few fields in \"" + std::string(line) + "\"");
    }
    DiskStats disk{std::string(fields[0]), std::string(fields[1]), std::string(fields[2]), {}};
    for (std::size_t i = 3; i < fields.size(); ++i) {
      std::optional<std::uint64_t> value = ParseUint(fields[i]);
      if (!value) {
        return MakeError(
            ErrorCode::kParseFailed,
            "/proc/diskstats: bad number \"" + std::string(fields[i]) + "\" for " + disk.device);
      }
      disk.values.push_back(static_cast<double>(*value));
    }
    disks.push_back(std::move(disk));
  }
  return disks;
}

std::map<std::string, std::string> ParseUdevProperties(std::string_view text) {
  std::map<std::string, std::string> properties;
  for (std::string_view line : SplitLines(text)) {
    if (line.substr(0, 2) != "E:") continue;
    line.remove_prefix(2);
    const std::size_t equals = line.find('=');
    if (equals == std::string_view::npos) continue;
    properties[std::string(line.substr(0, equals))] = std::string(line.substr(equals + 1));
  }
  return properties;
}

std::vector<wire::MetricFamily> DiskstatsFamilies(
    const std::vector<DiskStats>& disks,
    const std::map<std::string, std::map<std::string, std::string>>& udev) {
  auto info =
      MakeFamily("node_disk_info", "Info of /sys/block/<block_device>.", wire::METRIC_TYPE_GAUGE);
  auto filesystem_info = MakeFamily("node_disk_filesystem_info", "Info about disk filesystem.",
                                    wire::METRIC_TYPE_GAUGE);
  auto device_mapper_info = MakeFamily("node_disk_device_mapper_info",
                                       "Info about disk device mapper.", wire::METRIC_TYPE_GAUGE);
  struct Ata {
    const char* property;
    wire::MetricFamily family;
  };
  Ata ata[] = {
      {"ID_ATA_WRITE_CACHE", MakeFamily("node_disk_ata_write_cache", "ATA disk has a write cache.",
                                        wire::METRIC_TYPE_GAUGE)},
      {"ID_ATA_WRITE_CACHE_ENABLED",
       MakeFamily("node_disk_ata_write_cache_enabled", "ATA disk has its write cache enabled.",
                  wire::METRIC_TYPE_GAUGE)},
      {"ID_ATA_ROTATION_RATE_RPM",
       MakeFamily("node_disk_ata_rotation_rate_rpm", "ATA disk rotation rate in RPMs (0 for SSDs).",
                  wire::METRIC_TYPE_GAUGE)}};
  std::vector<wire::MetricFamily> columns;
  for (const Column& column : kColumns) {
    columns.push_back(MakeFamily(column.name, column.help, column.type));
  }
  static const std::map<std::string, std::string> kNoProperties;
  for (const DiskStats& disk : disks) {
    auto found = udev.find("b" + disk.major + ":" + disk.minor);
    const auto& properties = found == udev.end() ? kNoProperties : found->second;
    AddSeries(info, 1,
              {{"device", disk.device},
               {"major", disk.major},
               {"minor", disk.minor},
               {"model", Property(properties, "ID_MODEL")},
               {"path", Property(properties, "ID_PATH")},
               {"revision", Property(properties, "ID_REVISION")},
               {"serial", Property(properties, "ID_SERIAL_SHORT")},
               {"wwn", Property(properties, "ID_WWN")}});
    for (std::size_t i = 0; i < disk.values.size() && i < std::size(kColumns); ++i) {
      AddSeries(columns[i], disk.values[i] * kColumns[i].scale, {{"device", disk.device}});
    }
    if (std::string type = Property(properties, "ID_FS_TYPE"); !type.empty()) {
      AddSeries(filesystem_info, 1,
                {{"device", disk.device},
                 {"type", type},
                 {"usage", Property(properties, "ID_FS_USAGE")},
                 {"uuid", Property(properties, "ID_FS_UUID")},
                 {"version", Property(properties, "ID_FS_VERSION")}});
    }
    if (std::string name = Property(properties, "DM_NAME"); !name.empty()) {
      AddSeries(device_mapper_info, 1,
                {{"device", disk.device},
                 {"lv_layer", Property(properties, "DM_LV_LAYER")},
                 {"lv_name", Property(properties, "DM_LV_NAME")},
                 {"name", name},
                 {"uuid", Property(properties, "DM_UUID")},
                 {"vg_name", Property(properties, "DM_VG_NAME")}});
    }
    if (!Property(properties, "ID_ATA").empty()) {
      for (Ata& attribute : ata) {
        auto value = properties.find(attribute.property);
        if (value == properties.end()) continue;
        if (std::optional<double> number = ParseDouble(value->second)) {
          AddSeries(attribute.family, *number, {{"device", disk.device}});
        }
      }
    }
  }
  std::vector<wire::MetricFamily> out;
  for (auto* family : {&info, &filesystem_info, &device_mapper_info}) {
    if (family->series_size() > 0) out.push_back(std::move(*family));
  }
  for (Ata& attribute : ata) {
    if (attribute.family.series_size() > 0) out.push_back(std::move(attribute.family));
  }
  for (auto& family : columns) {
    if (family.series_size() > 0) out.push_back(std::move(family));
  }
  return out;
}

std::unique_ptr<Collector> MakeDiskstatsCollector(DiskstatsOptions options) {
  return std::make_unique<DiskstatsCollector>(std::move(options));
}

}  // namespace vigil::agent
