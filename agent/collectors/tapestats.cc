#include "agent/collectors/tapestats.h"

#include <algorithm>

#include "agent/collectors/text.h"
#include "common/metric_builder.h"

namespace vigil::agent {
namespace {

using Families = std::vector<wire::MetricFamily>;

constexpr const char* kTapes = "sys/class/scsi_tape";

struct Statistic {
  const char* file;  // in stats/
  const char* metric;
  wire::MetricType type;
  double scale;
  const char* help;
};

constexpr Statistic kStatistics[] = {
    {"in_flight", "node_tape_io_now", wire::METRIC_TYPE_GAUGE, 1,
     "The number of I/Os currently outstanding to this device."},
    {"io_ns", "node_tape_io_time_seconds_total", wire::METRIC_TYPE_COUNTER, 0.000000001,
     "The amount of time spent waiting for all I/O to complete (including read and write). This "
     "includes tape "
     "movement commands such as seeking between file or set marks and implicit tape movement such "
     "as when rewind "
     "on close tape devices are used."},
    {"other_cnt", "node_tape_io_others_total", wire::METRIC_TYPE_COUNTER, 1,
     "The number of I/Os issued to the tape drive other than read or write commands. The time "
     "taken to complete "
     "these commands uses the following calculation "
     "io_time_seconds_total-read_time_seconds_total-write_time_"
     "seconds_total"},
    {"read_byte_cnt", "node_tape_read_bytes_total", wire::METRIC_TYPE_COUNTER, 1,
     "The number of bytes read from the tape drive."},
    {"read_cnt", "node_tape_reads_completed_total", wire::METRIC_TYPE_COUNTER, 1,
     "The number of read requests issued to the tape drive."},
    {"read_ns", "node_tape_read_time_seconds_total", wire::METRIC_TYPE_COUNTER, 0.000000001,
     "The amount of time spent waiting for read requests to complete."},
    // "thean" is upstream's spelling, kept so that help texts match.
    {"resid_cnt", "node_tape_residual_total", wire::METRIC_TYPE_COUNTER, 1,
     "The number of times during a read or write we found the residual amount to be non-zero. This "
     "should mean "
     "that a program is issuing a read larger thean the block size on tape. For write not all data "
     "made it to "
     "tape."},
    {"write_byte_cnt", "node_tape_written_bytes_total", wire::METRIC_TYPE_COUNTER, 1,
     "The number of bytes written to the tape drive."},
    {"write_cnt", "node_tape_writes_completed_total", wire::METRIC_TYPE_COUNTER, 1,
     "The number of write requests issued to the tape drive."},
    {"write_ns", "node_tape_write_time_seconds_total", wire::METRIC_TYPE_COUNTER, 0.000000001,
     "The amount of time spent waiting for write requests to complete."},
};

// "st" and digits only: the kernel also lists st0a, nst0 and friends for the same drive.
bool IsDrive(const std::string& name) {
  return name.size() > 2 && name.rfind("st", 0) == 0 &&
         std::all_of(name.begin() + 2, name.end(), [](char c) { return c >= '0' && c <= '9'; });
}

class TapestatsCollector final : public RootCollector {
 public:
  explicit TapestatsCollector(std::string root) : RootCollector("tapestats", std::move(root)) {}

  Result<Families> Collect() override {
    Result<std::vector<FolderEntry>> drives = ListFolder(root_, kTapes);
    if (!drives)
      return drives.error().code == ErrorCode::kNotFound ? Result<Families>(Families{})
                                                         : drives.error();
    Families families;
    for (const Statistic& statistic : kStatistics) {
      families.push_back(MakeFamily(statistic.metric, statistic.help, statistic.type));
    }
    for (const FolderEntry& drive : *drives) {
      if (!IsDrive(drive.name)) continue;
      const std::string folder = std::string(kTapes) + "/" + drive.name + "/stats";
      Result<std::vector<FolderEntry>> files = ListFolder(root_, folder);
      // As upstream: a drive without stats/ means no tape statistics at all.
      if (!files)
        return files.error().code == ErrorCode::kNotFound ? Result<Families>(Families{})
                                                          : files.error();
      std::vector<std::uint64_t> values(std::size(kStatistics), 0);
      for (const FolderEntry& file : *files) {
        Result<std::string> text = ReadSysAttribute(root_, folder + "/" + file.name);
        if (!text) return text.error();
        const auto* statistic =
            std::find_if(std::begin(kStatistics), std::end(kStatistics),
                         [&](const Statistic& s) { return file.name == s.file; });
        if (statistic == std::end(kStatistics)) continue;
        const std::optional<std::uint64_t> value = ParseUintAnyBase(*text);
        if (!value)
          return MakeError(ErrorCode::kParseFailed, folder + "/" + file.name + ": not a count");
        values[static_cast<std::size_t>(statistic - std::begin(kStatistics))] = *value;
      }
      for (std::size_t i = 0; i < families.size(); ++i) {
        AddSeries(families[i], static_cast<double>(values[i]) * kStatistics[i].scale,
                  {{"device", drive.name}});
      }
    }
    return families;
  }
};

}  // namespace

std::unique_ptr<Collector> MakeTapestatsCollector(std::string root) {
  return std::make_unique<TapestatsCollector>(std::move(root));
}

}  // namespace vigil::agent
