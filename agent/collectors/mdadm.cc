#include "agent/collectors/mdadm.h"

#include <regex>

#include "agent/collectors/text.h"
#include "common/metric_builder.h"

namespace vigil::agent {
namespace {

using Families = std::vector<wire::MetricFamily>;

std::int64_t Count(std::string_view text, std::string_view what) {
  std::int64_t n = 0;
  for (std::size_t at = text.find(what); at != std::string_view::npos;
       at = text.find(what, at + what.size()))
    ++n;
  return n;
}

bool Contains(std::string_view text, std::string_view what) {
  return text.find(what) != std::string_view::npos;
}

// The line after an array's first: "<blocks> blocks ... [total/active] [UU_]".
Result<MdArray> EvalStatus(std::string_view device_line, std::string_view status_line,
                           MdArray array) {
  const std::vector<std::string_view> fields = SplitFields(status_line);
  if (fields.empty())
    return MakeError(ErrorCode::kParseFailed, "mdstat: unexpected status line of " + array.name);
  std::optional<std::int64_t> size = ParseInt(fields[0]);
  if (!size)
    return MakeError(ErrorCode::kParseFailed, "mdstat: unexpected status line of " + array.name);
  array.blocks_total = *size;
  if (Contains(device_line, "raid0") || Contains(device_line, "linear")) {
    array.disks_total = array.disks_active = Count(device_line, "[");
    return array;
  }
  if (Contains(device_line, "inactive")) return array;
  static const std::regex kStatus(R"((\d+) blocks .*\[(\d+)/(\d+)\] \[([U_]+)\])");
  std::match_results<std::string_view::const_iterator> match;
  if (!std::regex_search(status_line.begin(), status_line.end(), match, kStatus)) {
    return MakeError(ErrorCode::kParseFailed,
                     "mdstat: no [total/active] [U_] in the status line of " + array.name);
  }
  std::optional<std::int64_t> total = ParseInt(match.str(2));
  std::optional<std::int64_t> active = ParseInt(match.str(3));
  if (!total || !active)
    return MakeError(ErrorCode::kParseFailed, "mdstat: bad disk counts of " + array.name);
  array.disks_total = *total;
  array.disks_active = *active;
  return array;
}

// "[=>....]  recovery =  8.5% (16775552/195310144) finish=17.0min speed=259783K/sec": the blocks
// synced, once percentage, finish time and speed have parsed too (as upstream insists).
Result<std::int64_t> EvalRecovery(const std::string& line) {
  static const std::regex kBlocks(R"(\((\d+)/\d+\))");
  static const std::regex kPercent(R"(= (.+)%)");
  static const std::regex kFinish(R"(finish=(.+)min)");
  static const std::regex kSpeed(R"(speed=(.+)[A-Z])");
  std::smatch match;
  if (!std::regex_search(line, match, kBlocks))
    return MakeError(ErrorCode::kParseFailed, "mdstat: unexpected recovery line");
  std::optional<std::int64_t> synced = ParseInt(match.str(1));
  if (!synced) return MakeError(ErrorCode::kParseFailed, "mdstat: bad synced blocks");
  for (const std::regex* pattern : {&kPercent, &kFinish, &kSpeed}) {
    if (!std::regex_search(line, match, *pattern) || !ParseDouble(Trim(match.str(1)))) {
      return MakeError(ErrorCode::kParseFailed, "mdstat: unexpected recovery line: " + line);
    }
  }
  return *synced;
}

}  // namespace

Result<std::vector<MdArray>> ParseMdstat(std::string_view text) {
  // Every "\n"-separated piece, the last one too, as upstream splits.
  std::vector<std::string_view> lines;
  for (std::size_t start = 0;;) {
    const std::size_t end = text.find('\n', start);
    lines.push_back(text.substr(start, end == std::string_view::npos ? text.npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  std::vector<MdArray> arrays;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    if (Trim(line).empty() || line[0] == ' ' || line.rfind("Personalities", 0) == 0 ||
        line.rfind("unused", 0) == 0) {
      continue;
    }
    const std::vector<std::string_view> fields = SplitFields(line);
    if (fields.size() < 3)
      return MakeError(ErrorCode::kParseFailed,
                       "mdstat: fewer than 3 fields in \"" + std::string(line) + "\"");
    MdArray array;
    array.name = std::string(fields[0]);
    array.state = std::string(fields[2]);
    if (lines.size() <= i + 3)
      return MakeError(ErrorCode::kParseFailed, "mdstat: too few lines for " + array.name);
    array.disks_failed = Count(line, "(F)");
    array.disks_spare = Count(line, "(S)");
    Result<MdArray> status = EvalStatus(line, lines[i + 1], std::move(array));
    if (!status) return status.error();
    array = std::move(*status);
    const std::size_t sync_index = Contains(lines[i + 2], "bitmap") ? i + 3 : i + 2;
    const std::string sync_line(lines[sync_index]);
    array.blocks_synced = array.blocks_total;
    const bool recovering = Contains(sync_line, "recovery");
    const bool resyncing = Contains(sync_line, "resync");
    const bool checking = Contains(sync_line, "check");
    if (recovering || resyncing || checking) {
      array.state = recovering ? "recovering" : checking ? "checking" : "resyncing";
      if (Contains(sync_line, "PENDING") || Contains(sync_line, "DELAYED")) {
        array.blocks_synced = 0;
      } else {
        Result<std::int64_t> synced = EvalRecovery(sync_line);
        if (!synced)
          return MakeError(ErrorCode::kParseFailed,
                           synced.error().message + " (" + array.name + ")");
        array.blocks_synced = *synced;
      }
    }
    arrays.push_back(std::move(array));
  }
  return arrays;
}

Families MdFamilies(const std::vector<MdArray>& arrays) {
  auto required = MakeFamily("node_md_disks_required", "Total number of disks of device.",
                             wire::METRIC_TYPE_GAUGE);
  auto disks = MakeFamily("node_md_disks", "Number of active/failed/spare disks of device.",
                          wire::METRIC_TYPE_GAUGE);
  auto state =
      MakeFamily("node_md_state", "Indicates the state of md-device.", wire::METRIC_TYPE_GAUGE);
  auto blocks =
      MakeFamily("node_md_blocks", "Total number of blocks on device.", wire::METRIC_TYPE_GAUGE);
  auto synced = MakeFamily("node_md_blocks_synced", "Number of blocks synced on device.",
                           wire::METRIC_TYPE_GAUGE);
  // The state label's values and the mdstat states they stand for.
  static const std::pair<const char*, const char*> kStates[] = {{"active", "active"},
                                                                {"inactive", "inactive"},
                                                                {"recovering", "recovering"},
                                                                {"resync", "resyncing"},
                                                                {"check", "checking"}};
  for (const MdArray& array : arrays) {
    AddSeries(required, static_cast<double>(array.disks_total), {{"device", array.name}});
    AddSeries(disks, static_cast<double>(array.disks_active),
              {{"device", array.name}, {"state", "active"}});
    AddSeries(disks, static_cast<double>(array.disks_failed),
              {{"device", array.name}, {"state", "failed"}});
    AddSeries(disks, static_cast<double>(array.disks_spare),
              {{"device", array.name}, {"state", "spare"}});
    for (const auto& [label, mdstat_state] : kStates) {
      AddSeries(state, array.state == mdstat_state ? 1 : 0,
                {{"device", array.name}, {"state", label}});
    }
    AddSeries(blocks, static_cast<double>(array.blocks_total), {{"device", array.name}});
    AddSeries(synced, static_cast<double>(array.blocks_synced), {{"device", array.name}});
  }
  Families out;
  for (auto* family : {&required, &disks, &state, &blocks, &synced})
    out.push_back(std::move(*family));
  return out;
}

std::unique_ptr<Collector> MakeMdadmCollector(std::string root) {
  return MakeFileCollector(
      "mdadm", std::move(root), [](const ReadRelative& read) -> Result<Families> {
        Result<std::string> text = read("proc/mdstat");
        if (!text)
          return text.error().code == ErrorCode::kNotFound ? Result<Families>(Families{})
                                                           : text.error();
        Result<std::vector<MdArray>> arrays = ParseMdstat(*text);
        if (!arrays) return arrays.error();
        return MdFamilies(*arrays);
      });
}

}  // namespace vigil::agent
