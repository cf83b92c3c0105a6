#include "agent/collectors/bcache.h"

#include <cmath>

#include "agent/collectors/text.h"
#include "common/metric_builder.h"

namespace vigil::agent {
namespace {

using Families = std::vector<wire::MetricFamily>;

constexpr const char* kBcache = "sys/fs/bcache";

std::optional<double> ParsePseudoFloat(std::string_view text) {
  const std::size_t dot = text.find('.');
  const std::optional<double> whole = ParseDouble(text.substr(0, dot));
  if (!whole) return std::nullopt;
  if (dot == std::string_view::npos) return whole;
  std::string_view fraction = text.substr(dot + 1);
  if (fraction.find('.') != std::string_view::npos)
    fraction = fraction.substr(0, fraction.find('.'));
  const std::optional<double> tenths = ParseDouble(fraction);
  if (!tenths) return std::nullopt;
  return *whole + *tenths / 10.24;
}

// A signed size ("-1.3M"), as procfs's dehumanizeSigned.
std::optional<std::int64_t> DehumanizeSigned(std::string_view text) {
  const bool negative = !text.empty() && text[0] == '-';
  const std::optional<std::uint64_t> magnitude =
      DehumanizeBcacheSize(negative ? text.substr(1) : text);
  if (!magnitude) return std::nullopt;
  return negative ? -static_cast<std::int64_t>(*magnitude) : static_cast<std::int64_t>(*magnitude);
}

// Reads the files of one cache set as procfs's parser does: an absent file reads as 0, and the
// first failure sticks and fails the set.
class SetReader {
 public:
  SetReader(const std::string& root, std::string set) : root_(root), set_(std::move(set)) {}

  std::uint64_t Size(const std::string& relative) {
    if (error_) return 0;
    Result<std::string> text = ReadFileUnderRoot(root_, set_ + "/" + relative);
    if (!text) {
      if (text.error().code != ErrorCode::kNotFound) error_ = text.error();
      return 0;
    }
    std::string_view value(*text);
    if (!value.empty()) value.remove_suffix(1);  // the newline
    const std::optional<std::uint64_t> size = DehumanizeBcacheSize(value);
    if (!size)
      error_ = MakeError(ErrorCode::kParseFailed,
                         set_ + "/" + relative + ": not a size: \"" + std::string(value) + "\"");
    return size.value_or(0);
  }

  // writeback_rate_debug's "name: value" lines: rate, target, proportional, integral, change.
  struct WritebackRate {
    std::uint64_t rate = 0, target = 0;
    std::int64_t proportional = 0, integral = 0, change = 0;
  };
  WritebackRate Writeback(const std::string& device) {
    WritebackRate out;
    if (error_) return out;
    const std::string relative = set_ + "/" + device + "/writeback_rate_debug";
    Result<std::string> text = ReadFileUnderRoot(root_, relative);
    if (!text) {
      error_ = text.error();  // required, as upstream
      return out;
    }
    for (std::string_view line : SplitLines(*text)) {
      const std::vector<std::string_view> words = SplitWords(line);
      if (words.empty()) continue;
      std::string_view value = words.back();
      const auto strip = [&value](std::string_view suffix) {
        if (value.size() >= suffix.size() && value.substr(value.size() - suffix.size()) == suffix) {
          value.remove_suffix(suffix.size());
        }
      };
      bool ok = true;
      const auto starts = [&line](std::string_view prefix) { return line.rfind(prefix, 0) == 0; };
      if (starts("rate:")) {
        strip("/sec");
        const auto v = DehumanizeBcacheSize(value);
        ok = v.has_value();
        out.rate = v.value_or(0);
      } else if (starts("target:")) {
        const auto v = DehumanizeBcacheSize(value);
        ok = v.has_value();
        out.target = v.value_or(0);
      } else if (starts("dirty:")) {
        ok = DehumanizeBcacheSize(value).has_value();
      } else if (starts("proportional:") || starts("integral:") || starts("change:")) {
        strip("/sec");
        const auto v = DehumanizeSigned(value);
        ok = v.has_value();
        (starts("proportional:") ? out.proportional
         : starts("integral:")   ? out.integral
                                 : out.change) = v.value_or(0);
      } else if (starts("next io:")) {
        strip("ms");
        ok = ParseInt(value).has_value();
      }
      if (!ok) {
        error_ = MakeError(ErrorCode::kParseFailed,
                           relative + ": cannot read \"" + std::string(line) + "\"");
        return out;
      }
    }
    return out;
  }
  const std::optional<Error>& error() const { return error_; }

 private:
  const std::string& root_;
  std::string set_;
  std::optional<Error> error_;
};

struct Metric {
  const char* name;
  const char* help;
  wire::MetricType type;
};

// The period counters of a backing device's stats_total/, by file.
constexpr std::pair<const char*, Metric> kPeriodCounters[] = {
    {"bypassed",
     {"bypassed_bytes_total", "Amount of IO (both reads and writes) that has bypassed the cache.",
      wire::METRIC_TYPE_COUNTER}},
    {"cache_hits",
     {"cache_hits_total", "Hits counted per individual IO as bcache sees them.",
      wire::METRIC_TYPE_COUNTER}},
    {"cache_misses",
     {"cache_misses_total", "Misses counted per individual IO as bcache sees them.",
      wire::METRIC_TYPE_COUNTER}},
    {"cache_bypass_hits",
     {"cache_bypass_hits_total", "Hits for IO intended to skip the cache.",
      wire::METRIC_TYPE_COUNTER}},
    {"cache_bypass_misses",
     {"cache_bypass_misses_total", "Misses for IO intended to skip the cache.",
      wire::METRIC_TYPE_COUNTER}},
    {"cache_miss_collisions",
     {"cache_miss_collisions_total",
      "Instances where data insertion from cache miss raced with write (data already present).",
      wire::METRIC_TYPE_COUNTER}},
    {"cache_readaheads",
     {"cache_readaheads_total", "Count of times readahead occurred.", wire::METRIC_TYPE_COUNTER}},
};

// Set-wide values, by file relative to the set.
constexpr std::pair<const char*, Metric> kSetValues[] = {
    {"average_key_size",
     {"average_key_size_sectors", "Average data per key in the btree (sectors).",
      wire::METRIC_TYPE_GAUGE}},
    {"btree_cache_size",
     {"btree_cache_size_bytes", "Amount of memory currently used by the btree cache.",
      wire::METRIC_TYPE_GAUGE}},
    {"cache_available_percent",
     {"cache_available_percent",
      "Percentage of cache device without dirty data, usable for writeback (may contain clean "
      "cached data).",
      wire::METRIC_TYPE_GAUGE}},
    {"congested", {"congested", "Congestion.", wire::METRIC_TYPE_GAUGE}},
    {"root_usage_percent",
     {"root_usage_percent",
      "Percentage of the root btree node in use (tree depth increases if too high).",
      wire::METRIC_TYPE_GAUGE}},
    {"tree_depth", {"tree_depth", "Depth of the btree.", wire::METRIC_TYPE_GAUGE}},
    {"internal/active_journal_entries",
     {"active_journal_entries", "Number of journal entries that are newer than the index.",
      wire::METRIC_TYPE_GAUGE}},
    {"internal/btree_nodes", {"btree_nodes", "Total nodes in the btree.", wire::METRIC_TYPE_GAUGE}},
    // Microseconds, scaled as nanoseconds by upstream; kept so that the numbers match.
    {"internal/btree_read_average_duration_us",
     {"btree_read_average_duration_seconds", "Average btree read duration.",
      wire::METRIC_TYPE_GAUGE}},
    {"internal/cache_read_races",
     {"cache_read_races_total",
      "Counts instances where while data was being read from the cache, the bucket was reused and "
      "invalidated - "
      "i.e. where the pointer was stale after the read completed.",
      wire::METRIC_TYPE_COUNTER}},
};

class BcacheCollector final : public RootCollector {
 public:
  explicit BcacheCollector(std::string root) : RootCollector("bcache", std::move(root)) {}

  Result<Families> Collect() override {
    Result<std::vector<FolderEntry>> entries = ListFolder(root_, kBcache);
    if (!entries)
      return entries.error().code == ErrorCode::kNotFound ? Result<Families>(Families{})
                                                          : entries.error();
    FamiliesByName out;
    for (const FolderEntry& entry : *entries) {
      if (entry.name.find('-') == std::string::npos) continue;  // "register" and friends
      if (std::optional<Error> error = AddSet(entry.name, out)) return *error;
    }
    return out.Take();
  }

 private:
  std::optional<Error> AddSet(const std::string& uuid, FamiliesByName& out) const {
    const std::string folder = std::string(kBcache) + "/" + uuid;
    SetReader read(root_, folder);
    struct Pending {
      const Metric* metric;
      double value;
      LabelPairs labels;
    };
    std::vector<Pending> pending;
    for (const auto& [file, metric] : kSetValues) {
      double value = static_cast<double>(read.Size(file));
      if (std::string_view(file) == "internal/btree_read_average_duration_us") value *= 1e-9;
      pending.push_back({&metric, value, {{"uuid", uuid}}});
    }
    if (read.error()) return read.error();
    for (const std::string& device : NumberedEntries(root_, folder, "bdev")) {
      const LabelPairs labels = {{"backing_device", device}, {"uuid", uuid}};
      static const Metric kDirty = {"dirty_data_bytes",
                                    "Amount of dirty data for this backing device in the cache.",
                                    wire::METRIC_TYPE_GAUGE};
      pending.push_back({&kDirty, static_cast<double>(read.Size(device + "/dirty_data")), labels});
      const SetReader::WritebackRate rate = read.Writeback(device);
      static const Metric kWriteback[] = {
          {"dirty_target_bytes",
           "Current dirty data target threshold for this backing device in bytes.",
           wire::METRIC_TYPE_GAUGE},
          {"writeback_rate", "Current writeback rate for this backing device in bytes.",
           wire::METRIC_TYPE_GAUGE},
          {"writeback_rate_proportional_term",
           "Current result of proportional controller, part of writeback rate",
           wire::METRIC_TYPE_GAUGE},
          {"writeback_rate_integral_term",
           "Current result of integral controller, part of writeback rate",
           wire::METRIC_TYPE_GAUGE},
          {"writeback_change", "Last writeback rate change step for this backing device.",
           wire::METRIC_TYPE_GAUGE}};
      const double values[] = {static_cast<double>(rate.target), static_cast<double>(rate.rate),
                               static_cast<double>(rate.proportional),
                               static_cast<double>(rate.integral),
                               static_cast<double>(rate.change)};
      for (std::size_t i = 0; i < std::size(kWriteback); ++i)
        pending.push_back({&kWriteback[i], values[i], labels});
      for (const auto& [file, metric] : kPeriodCounters) {
        pending.push_back(
            {&metric, static_cast<double>(read.Size(device + "/stats_total/" + file)), labels});
      }
    }
    if (read.error()) return read.error();
    for (const std::string& device : NumberedEntries(root_, folder, "cache")) {
      const LabelPairs labels = {{"cache_device", device}, {"uuid", uuid}};
      static const Metric kCache[] = {
          {"io_errors", "Number of errors that have occurred, decayed by io_error_halflife.",
           wire::METRIC_TYPE_GAUGE},
          {"metadata_written_bytes_total",
           "Sum of all non data writes (btree writes and all other metadata).",
           wire::METRIC_TYPE_COUNTER},
          {"written_bytes_total", "Sum of all data that has been written to the cache.",
           wire::METRIC_TYPE_COUNTER}};
      const char* files[] = {"io_errors", "metadata_written", "written"};
      for (std::size_t i = 0; i < std::size(kCache); ++i) {
        pending.push_back(
            {&kCache[i], static_cast<double>(read.Size(device + "/" + files[i])), labels});
      }
    }
    if (read.error()) return read.error();
    for (const Pending& series : pending) {
      out.Add(std::string("node_bcache_") + series.metric->name, series.metric->help,
              series.metric->type, series.value, series.labels);
    }
    return std::nullopt;
  }
};

}  // namespace

std::optional<std::uint64_t> DehumanizeBcacheSize(std::string_view text) {
  if (text.empty()) return std::nullopt;
  const unsigned char last = static_cast<unsigned char>(text.back());
  if (last <= '9') {
    const std::optional<double> value = ParseDouble(text);
    if (!value) return std::nullopt;
    return static_cast<std::uint64_t>(*value);
  }
  double multiplier = 0;  // an unknown unit counts as 0, as upstream's map lookup
  const char* const kUnits = "kMGTPEZY";
  for (int i = 0; kUnits[i] != '\0'; ++i) {
    if (kUnits[i] == static_cast<char>(last)) multiplier = std::ldexp(1.0, 10 * (i + 1));
  }
  const std::optional<double> mantissa = ParsePseudoFloat(text.substr(0, text.size() - 1));
  if (!mantissa) return std::nullopt;
  return static_cast<std::uint64_t>(*mantissa * multiplier);
}

std::unique_ptr<Collector> MakeBcacheCollector(std::string root) {
  return std::make_unique<BcacheCollector>(std::move(root));
}

}  // namespace vigil::agent
