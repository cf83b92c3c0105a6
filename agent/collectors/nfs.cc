#include "agent/collectors/nfs.h"

#include <algorithm>
#include <map>

#include "agent/collectors/text.h"
#include "common/metric_builder.h"

namespace vigil::agent {
namespace {

using Families = std::vector<wire::MetricFamily>;
using Values = std::vector<std::uint64_t>;
// Each line's values by its first word ("net", "rpc", "proc3", …).
using StatLines = std::map<std::string, Values, std::less<>>;

// Procedure names in the order of the kernel's "procN" lines, after the count.
const std::vector<std::string> kV2Procedures = {
    "Null",   "GetAttr", "SetAttr", "Root", "Lookup",  "ReadLink", "Read",  "WrCache", "Write",
    "Create", "Remove",  "Rename",  "Link", "SymLink", "MkDir",    "RmDir", "ReadDir", "FsStat"};
const std::vector<std::string> kV3Procedures = {
    "Null",    "GetAttr",     "SetAttr", "Lookup", "Access",   "ReadLink", "Read",   "Write",
    "Create",  "MkDir",       "SymLink", "MkNod",  "Remove",   "RmDir",    "Rename", "Link",
    "ReadDir", "ReadDirPlus", "FsStat",  "FsInfo", "PathConf", "Commit"};
const std::vector<std::string> kClientV4Procedures = {"Null",
                                                      "Read",
                                                      "Write",
                                                      "Commit",
                                                      "Open",
                                                      "OpenConfirm",
                                                      "OpenNoattr",
                                                      "OpenDowngrade",
                                                      "Close",
                                                      "Setattr",
                                                      "FsInfo",
                                                      "Renew",
                                                      "SetClientID",
                                                      "SetClientIDConfirm",
                                                      "Lock",
                                                      "Lockt",
                                                      "Locku",
                                                      "Access",
                                                      "Getattr",
                                                      "Lookup",
                                                      "LookupRoot",
                                                      "Remove",
                                                      "Rename",
                                                      "Link",
                                                      "Symlink",
                                                      "Create",
                                                      "Pathconf",
                                                      "StatFs",
                                                      "ReadLink",
                                                      "ReadDir",
                                                      "ServerCaps",
                                                      "DelegReturn",
                                                      "GetACL",
                                                      "SetACL",
                                                      "FsLocations",
                                                      "ReleaseLockowner",
                                                      "Secinfo",
                                                      "FsidPresent",
                                                      "ExchangeID",
                                                      "CreateSession",
                                                      "DestroySession",
                                                      "Sequence",
                                                      "GetLeaseTime",
                                                      "ReclaimComplete",
                                                      "LayoutGet",
                                                      "GetDeviceInfo",
                                                      "LayoutCommit",
                                                      "LayoutReturn",
                                                      "SecinfoNoName",
                                                      "TestStateID",
                                                      "FreeStateID",
                                                      "GetDeviceList",
                                                      "BindConnToSession",
                                                      "DestroyClientID",
                                                      "Seek",
                                                      "Allocate",
                                                      "DeAllocate",
                                                      "LayoutStats",
                                                      "Clone"};
// Server NFSv4 operations ("proc4ops"), by position; upstream exports neither the unused and
// future slots nor PUTPUBFH and PUTROOTFH.
const std::vector<std::string> kServerV4Operations = {"",
                                                      "",
                                                      "",
                                                      "Access",
                                                      "Close",
                                                      "Commit",
                                                      "Create",
                                                      "DelegPurge",
                                                      "DelegReturn",
                                                      "GetAttr",
                                                      "GetFH",
                                                      "Link",
                                                      "Lock",
                                                      "Lockt",
                                                      "Locku",
                                                      "Lookup",
                                                      "LookupRoot",
                                                      "Nverify",
                                                      "Open",
                                                      "OpenAttr",
                                                      "OpenConfirm",
                                                      "OpenDgrd",
                                                      "PutFH",
                                                      "",
                                                      "",
                                                      "Read",
                                                      "ReadDir",
                                                      "ReadLink",
                                                      "Remove",
                                                      "Rename",
                                                      "Renew",
                                                      "RestoreFH",
                                                      "SaveFH",
                                                      "SecInfo",
                                                      "SetAttr",
                                                      "Verify",
                                                      "Write",
                                                      "RelLockOwner"};

// What each known line must hold: an exact number of values, or (counted) a leading count that
// matches the values after it and is at least `size`.
struct LineShape {
  std::size_t size;
  bool counted;
  bool exact_count = false;  // counted, and the count must equal size
};

Result<StatLines> ParseStatLines(std::string_view text, const std::string& path,
                                 const std::map<std::string, LineShape, std::less<>>& shapes) {
  StatLines lines;
  for (std::string_view line : SplitLines(text)) {
    const std::vector<std::string_view> words = SplitWords(line);
    if (words.size() < 2)
      return MakeError(ErrorCode::kParseFailed,
                       path + ": invalid line \"" + std::string(line) + "\"");
    const std::string label(words[0]);
    const auto shape = shapes.find(label);
    // Upstream fails on a line it does not know, so kernel 6.7's "wdeleg_getattr" takes every
    // nfsd series away there; newer lines are skipped here instead.
    if (shape == shapes.end()) continue;
    // The thread line carries a histogram of floats after the two counts it keeps.
    const std::size_t end = label == "th" ? 3 : words.size();
    if (end > words.size()) return MakeError(ErrorCode::kParseFailed, path + ": short \"th\" line");
    Values values;
    for (std::size_t i = 1; i < end; ++i) {
      const std::optional<std::uint64_t> value = ParseUint(words[i]);
      if (!value)
        return MakeError(ErrorCode::kParseFailed,
                         path + ": \"" + label + "\" holds \"" + std::string(words[i]) + "\"");
      values.push_back(*value);
    }
    const LineShape& want = shape->second;
    const bool valid =
        want.counted ? values[0] == values.size() - 1 &&
                           (want.exact_count ? values[0] == want.size : values[0] >= want.size)
                     : values.size() == want.size;
    if (!valid)
      return MakeError(ErrorCode::kParseFailed,
                       path + ": \"" + label + "\" has an unexpected number of values");
    lines[label] = std::move(values);
  }
  return lines;
}

// Value `index` of a line, 0 when the line is absent (upstream's zero struct) or shorter.
std::uint64_t At(const StatLines& lines, std::string_view label, std::size_t index) {
  const auto line = lines.find(label);
  return line == lines.end() || index >= line->second.size() ? 0 : line->second[index];
}

wire::MetricFamily Counter(const std::string& name, const char* help, std::uint64_t value) {
  auto family = MakeFamily(name, help, wire::METRIC_TYPE_COUNTER);
  AddSeries(family, static_cast<double>(value));
  return family;
}

// One series per procedure of a "procN" line; procedures[i] is value i + 1 (after the count).
void AddProcedures(wire::MetricFamily& family, const StatLines& lines, const char* label,
                   const char* proto, const std::vector<std::string>& procedures,
                   std::size_t first = 0) {
  for (std::size_t i = first; i < procedures.size(); ++i) {
    if (procedures[i].empty()) continue;
    AddSeries(family, static_cast<double>(At(lines, label, i + 1)),
              {{"method", procedures[i]}, {"proto", proto}});
  }
}

// Reads and checks the file; nullopt (and no error) when the host has no such statistics.
Result<std::optional<StatLines>> ReadStatLines(
    const std::string& root, const std::string& relative,
    const std::map<std::string, LineShape, std::less<>>& shapes) {
  Result<std::string> text = ReadFileUnderRoot(root, relative);
  if (!text) {
    if (text.error().code == ErrorCode::kNotFound) return std::optional<StatLines>();
    return text.error();
  }
  Result<StatLines> lines = ParseStatLines(*text, relative, shapes);
  if (!lines) return lines.error();
  return std::optional<StatLines>(std::move(*lines));
}

Result<Families> GatherClient(const std::string& root) {
  static const std::map<std::string, LineShape, std::less<>> kShapes = {{"net", {4, false}},
                                                                        {"rpc", {3, false}},
                                                                        {"proc2", {18, true}},
                                                                        {"proc3", {22, true}},
                                                                        {"proc4", {0, true}}};
  Result<std::optional<StatLines>> read = ReadStatLines(root, "proc/net/rpc/nfs", kShapes);
  if (!read) return read.error();
  if (!*read) return Families{};
  const StatLines& lines = **read;
  Families out;
  auto packets = MakeFamily("node_nfs_packets_total",
                            "Total NFSd network packets (sent+received) by protocol type.",
                            wire::METRIC_TYPE_COUNTER);
  AddSeries(packets, static_cast<double>(At(lines, "net", 2)), {{"protocol", "tcp"}});
  AddSeries(packets, static_cast<double>(At(lines, "net", 1)), {{"protocol", "udp"}});
  out.push_back(std::move(packets));
  out.push_back(Counter("node_nfs_connections_total", "Total number of NFSd TCP connections.",
                        At(lines, "net", 3)));
  out.push_back(
      Counter("node_nfs_rpcs_total", "Total number of RPCs performed.", At(lines, "rpc", 0)));
  out.push_back(Counter("node_nfs_rpc_retransmissions_total",
                        "Number of RPC transmissions performed.", At(lines, "rpc", 1)));
  out.push_back(Counter("node_nfs_rpc_authentication_refreshes_total",
                        "Number of RPC authentication refreshes performed.", At(lines, "rpc", 2)));
  auto requests = MakeFamily("node_nfs_requests_total", "Number of NFS procedures invoked.",
                             wire::METRIC_TYPE_COUNTER);
  AddProcedures(requests, lines, "proc2", "2", kV2Procedures);
  AddProcedures(requests, lines, "proc3", "3", kV3Procedures);
  AddProcedures(requests, lines, "proc4", "4", kClientV4Procedures);
  out.push_back(std::move(requests));
  return out;
}

Result<Families> GatherServer(const std::string& root) {
  static const std::map<std::string, LineShape, std::less<>> kShapes = {
      {"rc", {3, false}},         {"fh", {5, false}},      {"io", {2, false}},
      {"th", {2, false}},         {"ra", {12, false}},     {"net", {4, false}},
      {"rpc", {5, false}},        {"proc2", {18, true}},   {"proc3", {22, true}},
      {"proc4", {2, true, true}}, {"proc4ops", {39, true}}};
  Result<std::optional<StatLines>> read = ReadStatLines(root, "proc/net/rpc/nfsd", kShapes);
  if (!read) return read.error();
  if (!*read) return Families{};
  const StatLines& lines = **read;
  Families out;
  out.push_back(Counter("node_nfsd_reply_cache_hits_total",
                        "Total number of NFSd Reply Cache hits (client lost server response).",
                        At(lines, "rc", 0)));
  out.push_back(
      Counter("node_nfsd_reply_cache_misses_total",
              "Total number of NFSd Reply Cache an operation that requires caching (idempotent).",
              At(lines, "rc", 1)));
  out.push_back(
      Counter("node_nfsd_reply_cache_nocache_total",
              "Total number of NFSd Reply Cache non-idempotent operations (rename/delete/…).",
              At(lines, "rc", 2)));
  out.push_back(Counter("node_nfsd_file_handles_stale_total",
                        "Total number of NFSd stale file handles", At(lines, "fh", 0)));
  out.push_back(
      Counter("node_nfsd_disk_bytes_read_total", "Total NFSd bytes read.", At(lines, "io", 0)));
  out.push_back(Counter("node_nfsd_disk_bytes_written_total", "Total NFSd bytes written.",
                        At(lines, "io", 1)));
  auto threads =
      MakeFamily("node_nfsd_server_threads",
                 "Total number of NFSd kernel threads that are running.", wire::METRIC_TYPE_GAUGE);
  AddSeries(threads, static_cast<double>(At(lines, "th", 0)));
  out.push_back(std::move(threads));
  auto cache_size =
      MakeFamily("node_nfsd_read_ahead_cache_size_blocks",
                 "How large the read ahead cache is in blocks.", wire::METRIC_TYPE_GAUGE);
  AddSeries(cache_size, static_cast<double>(At(lines, "ra", 0)));
  out.push_back(std::move(cache_size));
  out.push_back(Counter("node_nfsd_read_ahead_cache_not_found_total",
                        "Total number of NFSd read ahead cache not found.", At(lines, "ra", 11)));
  auto packets = MakeFamily("node_nfsd_packets_total",
                            "Total NFSd network packets (sent+received) by protocol type.",
                            wire::METRIC_TYPE_COUNTER);
  AddSeries(packets, static_cast<double>(At(lines, "net", 2)), {{"proto", "tcp"}});
  AddSeries(packets, static_cast<double>(At(lines, "net", 1)), {{"proto", "udp"}});
  out.push_back(std::move(packets));
  out.push_back(Counter("node_nfsd_connections_total", "Total number of NFSd TCP connections.",
                        At(lines, "net", 3)));
  auto errors =
      MakeFamily("node_nfsd_rpc_errors_total", "Total number of NFSd RPC errors by error type.",
                 wire::METRIC_TYPE_COUNTER);
  AddSeries(errors, static_cast<double>(At(lines, "rpc", 3)), {{"error", "auth"}});
  AddSeries(errors, static_cast<double>(At(lines, "rpc", 4)), {{"error", "cInt"}});
  AddSeries(errors, static_cast<double>(At(lines, "rpc", 2)), {{"error", "fmt"}});
  out.push_back(std::move(errors));
  out.push_back(
      Counter("node_nfsd_server_rpcs_total", "Total number of NFSd RPCs.", At(lines, "rpc", 0)));
  auto requests =
      MakeFamily("node_nfsd_requests_total", "Total number NFSd Requests by method and protocol.",
                 wire::METRIC_TYPE_COUNTER);
  // The server leaves out each version's Null procedure, as upstream does.
  AddProcedures(requests, lines, "proc2", "2", kV2Procedures, 1);
  AddProcedures(requests, lines, "proc3", "3", kV3Procedures, 1);
  AddProcedures(requests, lines, "proc4ops", "4", kServerV4Operations);
  out.push_back(std::move(requests));
  return out;
}

class NfsCollector final : public Collector {
 public:
  NfsCollector(std::string name, std::string root, Result<Families> (*gather)(const std::string&))
      : name_(std::move(name)), root_(std::move(root)), gather_(gather) {}
  const std::string& name() const override { return name_; }
  Result<Families> Collect() override { return gather_(root_); }

 private:
  std::string name_;
  std::string root_;
  Result<Families> (*gather_)(const std::string&);
};

}  // namespace

std::unique_ptr<Collector> MakeNfsCollector(std::string root) {
  return std::make_unique<NfsCollector>("nfs", std::move(root), &GatherClient);
}

std::unique_ptr<Collector> MakeNfsdCollector(std::string root) {
  return std::make_unique<NfsCollector>("nfsd", std::move(root), &GatherServer);
}

}  // namespace vigil::agent
