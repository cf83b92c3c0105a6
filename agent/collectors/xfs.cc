#include "agent/collectors/xfs.h"

#include <algorithm>
#include <map>

#include "agent/collectors/text.h"
#include "common/metric_builder.h"

namespace vigil::agent {
namespace {

using Families = std::vector<wire::MetricFamily>;

constexpr const char* kXfs = "sys/fs/xfs";

struct Exported {
  const char* line;  // first word of the stats line
  std::size_t index;
  const char* metric;
  const char* help;
};

constexpr Exported kExported[] = {
    {"extent_alloc", 0, "extent_allocation_extents_allocated_total",
     "Number of extents allocated for a filesystem."},
    {"extent_alloc", 1, "extent_allocation_blocks_allocated_total",
     "Number of blocks allocated for a filesystem."},
    {"extent_alloc", 2, "extent_allocation_extents_freed_total",
     "Number of extents freed for a filesystem."},
    {"extent_alloc", 3, "extent_allocation_blocks_freed_total",
     "Number of blocks freed for a filesystem."},
    {"abt", 0, "allocation_btree_lookups_total",
     "Number of allocation B-tree lookups for a filesystem."},
    {"abt", 1, "allocation_btree_compares_total",
     "Number of allocation B-tree compares for a filesystem."},
    {"abt", 2, "allocation_btree_records_inserted_total",
     "Number of allocation B-tree records inserted for a filesystem."},
    {"abt", 3, "allocation_btree_records_deleted_total",
     "Number of allocation B-tree records deleted for a filesystem."},
    {"blk_map", 0, "block_mapping_reads_total",
     "Number of block map for read operations for a filesystem."},
    {"blk_map", 1, "block_mapping_writes_total",
     "Number of block map for write operations for a filesystem."},
    {"blk_map", 2, "block_mapping_unmaps_total",
     "Number of block unmaps (deletes) for a filesystem."},
    {"blk_map", 3, "block_mapping_extent_list_insertions_total",
     "Number of extent list insertions for a filesystem."},
    {"blk_map", 4, "block_mapping_extent_list_deletions_total",
     "Number of extent list deletions for a filesystem."},
    {"blk_map", 5, "block_mapping_extent_list_lookups_total",
     "Number of extent list lookups for a filesystem."},
    {"blk_map", 6, "block_mapping_extent_list_compares_total",
     "Number of extent list compares for a filesystem."},
    {"bmbt", 0, "block_map_btree_lookups_total",
     "Number of block map B-tree lookups for a filesystem."},
    {"bmbt", 1, "block_map_btree_compares_total",
     "Number of block map B-tree compares for a filesystem."},
    {"bmbt", 2, "block_map_btree_records_inserted_total",
     "Number of block map B-tree records inserted for a filesystem."},
    {"bmbt", 3, "block_map_btree_records_deleted_total",
     "Number of block map B-tree records deleted for a filesystem."},
    {"dir", 0, "directory_operation_lookup_total",
     "Number of file name directory lookups which miss the operating systems directory name lookup "
     "cache."},
    {"dir", 1, "directory_operation_create_total",
     "Number of times a new directory entry was created for a filesystem."},
    // Upstream's help says "created" for removals; kept so that help texts match.
    {"dir", 2, "directory_operation_remove_total",
     "Number of times an existing directory entry was created for a filesystem."},
    {"dir", 3, "directory_operation_getdents_total",
     "Number of times the directory getdents operation was performed for a filesystem."},
    {"ig", 0, "inode_operation_attempts_total",
     "Number of times the OS looked for an XFS inode in the inode cache."},
    {"ig", 1, "inode_operation_found_total",
     "Number of times the OS looked for and found an XFS inode in the inode cache."},
    {"ig", 2, "inode_operation_recycled_total",
     "Number of times the OS found an XFS inode in the cache, but could not use it as it was being "
     "recycled."},
    {"ig", 3, "inode_operation_missed_total",
     "Number of times the OS looked for an XFS inode in the cache, but did not find it."},
    {"ig", 4, "inode_operation_duplicates_total",
     "Number of times the OS tried to add a missing XFS inode to the inode cache, but found it had "
     "already been "
     "added by another process."},
    {"ig", 5, "inode_operation_reclaims_total",
     "Number of times the OS reclaimed an XFS inode from the inode cache to free memory for "
     "another purpose."},
    {"ig", 6, "inode_operation_attribute_changes_total",
     "Number of times the OS explicitly changed the attributes of an XFS inode."},
    // The kernel writes the write count first.
    {"rw", 1, "read_calls_total", "Number of read(2) system calls made to files in a filesystem."},
    {"rw", 0, "write_calls_total",
     "Number of write(2) system calls made to files in a filesystem."},
    {"vnodes", 0, "vnode_active_total", "Number of vnodes not on free lists for a filesystem."},
    {"vnodes", 1, "vnode_allocate_total", "Number of times vn_alloc called for a filesystem."},
    {"vnodes", 2, "vnode_get_total", "Number of times vn_get called for a filesystem."},
    {"vnodes", 3, "vnode_hold_total", "Number of times vn_hold called for a filesystem."},
    {"vnodes", 4, "vnode_release_total", "Number of times vn_rele called for a filesystem."},
    {"vnodes", 5, "vnode_reclaim_total", "Number of times vn_reclaim called for a filesystem."},
    {"vnodes", 6, "vnode_remove_total", "Number of times vn_remove called for a filesystem."},
};

// The number of values procfs insists on for each line it knows (two sizes: either).
const std::map<std::string, std::pair<std::size_t, std::size_t>, std::less<>>& KnownLines() {
  static const std::map<std::string, std::pair<std::size_t, std::size_t>, std::less<>> kLines = {
      {"extent_alloc", {4, 4}}, {"abt", {4, 4}},    {"blk_map", {7, 7}}, {"bmbt", {4, 4}},
      {"dir", {4, 4}},          {"trans", {3, 3}},  {"ig", {7, 7}},      {"log", {5, 5}},
      {"push_ail", {10, 10}},   {"xstrat", {2, 2}}, {"rw", {2, 2}},      {"attr", {4, 4}},
      {"icluster", {3, 3}},     {"vnodes", {7, 8}}, {"buf", {9, 9}},     {"xpc", {3, 3}},
      {"qm", {8, 9}},           {"debug", {1, 1}},  {"abtb2", {15, 15}}, {"abtc2", {15, 15}},
      {"bmbt2", {15, 15}},      {"ibt2", {15, 15}}};
  return kLines;
}

// Each line's values by its first word. As procfs: every value but xpc's (64-bit byte counts)
// must fit 32 bits, on every line, known or not; lines with fewer than one value are skipped.
Result<std::map<std::string, std::vector<std::uint64_t>, std::less<>>> ParseStats(
    std::string_view text, const std::string& path) {
  std::map<std::string, std::vector<std::uint64_t>, std::less<>> lines;
  for (std::string_view line : SplitLines(text)) {
    const std::vector<std::string_view> words = SplitWords(line);
    if (words.size() < 2) continue;
    const std::string label(words[0]);
    const std::uint64_t limit = label == "xpc" ? ~std::uint64_t{0} : 0xffffffffu;
    std::vector<std::uint64_t> values;
    for (std::size_t i = 1; i < words.size(); ++i) {
      const std::optional<std::uint64_t> value = ParseUint(words[i]);
      if (!value || *value > limit) {
        return MakeError(ErrorCode::kParseFailed,
                         path + ": \"" + label + "\" holds \"" + std::string(words[i]) + "\"");
      }
      values.push_back(*value);
    }
    const auto known = KnownLines().find(label);
    if (known == KnownLines().end()) continue;
    if (values.size() != known->second.first && values.size() != known->second.second) {
      return MakeError(ErrorCode::kParseFailed, path + ": \"" + label + "\" has " +
                                                    std::to_string(values.size()) + " values");
    }
    lines[label] = std::move(values);
  }
  return lines;
}

class XfsCollector final : public RootCollector {
 public:
  explicit XfsCollector(std::string root) : RootCollector("xfs", std::move(root)) {}

  Result<Families> Collect() override {
    Families families;
    for (const Exported& exported : kExported) {
      families.push_back(MakeFamily(std::string("node_xfs_") + exported.metric, exported.help,
                                    wire::METRIC_TYPE_COUNTER));
    }
    Result<std::vector<FolderEntry>> devices = ListFolder(root_, kXfs);
    if (!devices)
      return devices.error().code == ErrorCode::kNotFound ? Result<Families>(Families{})
                                                          : devices.error();
    for (const FolderEntry& device : *devices) {
      const std::string path = std::string(kXfs) + "/" + device.name + "/stats/stats";
      Result<std::string> text = ReadFileUnderRoot(root_, path);
      if (!text) {
        if (text.error().code == ErrorCode::kNotFound)
          continue;  // /sys/fs/xfs/stats is not a device
        return text.error();
      }
      auto lines = ParseStats(*text, path);
      if (!lines) return lines.error();
      for (std::size_t i = 0; i < families.size(); ++i) {
        const auto line = lines->find(kExported[i].line);
        const std::uint64_t value = line == lines->end() ? 0 : line->second[kExported[i].index];
        AddSeries(families[i], static_cast<double>(value), {{"device", device.name}});
      }
    }
    return families;
  }
};

}  // namespace

std::unique_ptr<Collector> MakeXfsCollector(std::string root) {
  return std::make_unique<XfsCollector>(std::move(root));
}

}  // namespace vigil::agent
