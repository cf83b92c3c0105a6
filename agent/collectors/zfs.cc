#include "agent/collectors/zfs.h"

#include <algorithm>
#include <cctype>

#include "agent/collectors/text.h"
#include "common/metric_builder.h"

namespace vigil::agent {
namespace {

using Families = std::vector<wire::MetricFamily>;

constexpr const char* kKstats = "proc/spl/kstat/zfs";

// Metric area -> kstat file under /proc/spl/kstat/zfs.
constexpr std::pair<const char*, const char*> kAreas[] = {{"zfs_abd", "abdstats"},
                                                          {"zfs_arc", "arcstats"},
                                                          {"zfs_dbuf", "dbuf_stats"},
                                                          {"zfs_dmu_tx", "dmu_tx"},
                                                          {"zfs_dnode", "dnodestats"},
                                                          {"zfs_fm", "fm"},
                                                          {"zfs_vdev_cache", "vdev_cache_stats"},
                                                          {"zfs_vdev_mirror", "vdev_mirror_stats"},
                                                          {"zfs_xuio", "xuio_stats"},
                                                          {"zfs_zfetch", "zfetchstats"},
                                                          {"zfs_zil", "zil"}};

constexpr const char* kPoolStates[] = {"online",  "degraded", "faulted",
                                       "offline", "removed",  "unavail"};
constexpr std::string_view kUint64Type = "4";  // the kstat data type of 64-bit unsigned values

// The metric name for a kstat: '-' is not allowed in Prometheus names.
std::string MetricPart(std::string_view kstat) {
  std::string out(kstat);
  std::replace(out.begin(), out.end(), '-', '_');
  return out;
}

// A named kstat file ("name type data" header, then one value per line); calls `each` with
// every 64-bit unsigned value. `dataset` receives the objset files' dataset_name.
Result<bool> ReadNamedKstats(
    std::string_view text, const std::string& path,
    const std::function<void(std::string_view name, std::uint64_t value)>& each,
    std::string* dataset = nullptr) {
  bool header_seen = false;
  for (std::string_view line : SplitLines(text)) {
    const std::vector<std::string_view> parts = SplitWords(line);
    if (!header_seen && parts.size() == 3 && parts[0] == "name" && parts[1] == "type" &&
        parts[2] == "data") {
      header_seen = true;
      continue;
    }
    if (!header_seen || parts.size() < 3) continue;
    if (dataset != nullptr && parts[0] == "dataset_name") {
      *dataset = std::string(parts[2]);
      continue;
    }
    if (parts[1] != kUint64Type) continue;
    const std::optional<std::uint64_t> value = ParseUint(parts[2]);
    if (!value)
      return MakeError(ErrorCode::kParseFailed,
                       path + ": " + std::string(parts[0]) + " is not a count");
    each(parts[0], *value);
  }
  if (!header_seen)
    return MakeError(ErrorCode::kParseFailed, path + ": no \"name type data\" header");
  return true;
}

class ZfsCollector final : public RootCollector {
 public:
  explicit ZfsCollector(std::string root) : RootCollector("zfs", std::move(root)) {}

  Result<Families> Collect() override {
    Result<std::vector<FolderEntry>> entries = ListFolder(root_, kKstats);
    if (!entries)
      return entries.error().code == ErrorCode::kNotFound ? Result<Families>(Families{})
                                                          : entries.error();
    FamiliesByName out;
    for (const auto& [area, file] : kAreas) {
      const std::string path = std::string(kKstats) + "/" + file;
      Result<std::string> text = ReadFileUnderRoot(root_, path);
      if (!text) continue;  // upstream skips a kstat file it cannot open, whatever the reason
      Result<bool> read =
          ReadNamedKstats(*text, path, [&](std::string_view kstat, std::uint64_t value) {
            out.Add("node_" + std::string(area) + "_" + MetricPart(kstat),
                    "kstat.zfs.misc." + std::string(file) + "." + std::string(kstat),
                    wire::METRIC_TYPE_UNTYPED, static_cast<double>(value), {});
          });
      if (!read) return read.error();
    }
    std::vector<std::string> pools;
    for (const FolderEntry& entry : *entries) {
      if (!entry.regular_file) pools.push_back(entry.name);
    }
    for (const std::string& pool : pools) {
      if (std::optional<Error> error = AddPoolIo(pool, out)) return *error;
    }
    for (const std::string& pool : pools) {
      if (std::optional<Error> error = AddPoolDatasets(pool, out)) return *error;
    }
    for (const std::string& pool : pools) {
      const std::string path = std::string(kKstats) + "/" + pool + "/state";
      Result<std::string> text = ReadFileUnderRoot(root_, path);
      if (!text) {
        if (text.error().code == ErrorCode::kNotFound) continue;
        return text.error();
      }
      std::string state(std::string_view(*text).substr(0, text->find('\n')));  // the first line
      std::transform(state.begin(), state.end(), state.begin(),
                     [](unsigned char c) { return std::tolower(c); });
      for (const char* name : kPoolStates) {
        out.Add("node_zfs_zpool_state", "kstat.zfs.misc.state", wire::METRIC_TYPE_GAUGE,
                state == name ? 1 : 0, {{"state", name}, {"zpool", pool}});
      }
    }
    return out.Take();
  }

 private:
  // <pool>/io: a header line of at least 12 names starting with "nread", then rows of values.
  std::optional<Error> AddPoolIo(const std::string& pool, FamiliesByName& out) const {
    const std::string path = std::string(kKstats) + "/" + pool + "/io";
    Result<std::string> text = ReadFileUnderRoot(root_, path);
    if (!text)
      return text.error().code == ErrorCode::kNotFound ? std::nullopt
                                                       : std::optional<Error>(text.error());
    std::vector<std::string_view> fields;
    for (std::string_view line : SplitLines(*text)) {
      const std::vector<std::string_view> words = SplitWords(line);
      if (fields.empty()) {
        if (words.size() >= 12 && words[0] == "nread") fields = words;
        continue;
      }
      if (words.size() < fields.size())
        return MakeError(ErrorCode::kParseFailed, path + ": a row shorter than its header");
      for (std::size_t i = 0; i < fields.size(); ++i) {
        const std::optional<std::uint64_t> value = ParseUint(words[i]);
        if (!value)
          return MakeError(ErrorCode::kParseFailed,
                           path + ": " + std::string(fields[i]) + " is not a count");
        out.Add("node_zfs_zpool_" + MetricPart(fields[i]),
                "kstat.zfs.misc.io." + std::string(fields[i]), wire::METRIC_TYPE_UNTYPED,
                static_cast<double>(*value), {{"zpool", pool}});
      }
    }
    return std::nullopt;
  }

  // <pool>/objset-0x…: one per dataset, its name in dataset_name.
  std::optional<Error> AddPoolDatasets(const std::string& pool, FamiliesByName& out) const {
    const std::string folder = std::string(kKstats) + "/" + pool;
    Result<std::vector<FolderEntry>> files = ListFolder(root_, folder);
    if (!files) return files.error();
    for (const FolderEntry& file : *files) {
      if (file.name.rfind("objset-", 0) != 0) continue;
      const std::string path = folder + "/" + file.name;
      Result<std::string> text = ReadFileUnderRoot(root_, path);
      if (!text) return text.error();
      std::string dataset;
      Result<bool> read = ReadNamedKstats(
          *text, path,
          [&](std::string_view kstat, std::uint64_t value) {
            // Before a dataset_name line there is no pool either, as upstream's reader has it.
            out.Add("node_zfs_zpool_dataset_" + MetricPart(kstat),
                    "kstat.zfs.misc.objset." + std::string(kstat), wire::METRIC_TYPE_UNTYPED,
                    static_cast<double>(value),
                    {{"dataset", dataset}, {"zpool", dataset.empty() ? std::string() : pool}});
          },
          &dataset);
      if (!read) return read.error();
    }
    return std::nullopt;
  }
};

}  // namespace

std::unique_ptr<Collector> MakeZfsCollector(std::string root) {
  return std::make_unique<ZfsCollector>(std::move(root));
}

}  // namespace vigil::agent
