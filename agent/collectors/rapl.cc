#include "agent/collectors/rapl.h"

#include <algorithm>
#include <filesystem>
#include <map>

#include "agent/collectors/text.h"
#include "common/metric_builder.h"

namespace vigil::agent {
namespace {

using Families = std::vector<wire::MetricFamily>;

constexpr const char* kPowercap = "sys/class/powercap";

bool NameCharacter(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

class RaplCollector final : public RootCollector {
 public:
  explicit RaplCollector(std::string root) : RootCollector("rapl", std::move(root)) {}

  Result<Families> Collect() override {
    std::vector<std::string> zones;
    std::error_code ec;
    for (const auto& entry :
         std::filesystem::directory_iterator(std::filesystem::path(root_) / kPowercap, ec)) {
      zones.push_back(entry.path().filename().string());
    }
    std::sort(zones.begin(), zones.end());
    const ReadRelative read = ReaderUnder(root_);
    const auto read_uint = [&read](const std::string& relative) {
      return ReadUintFile(read, relative);
    };
    const auto nothing = [](const Error& error) {
      return error.code == ErrorCode::kNotFound || error.code == ErrorCode::kPermissionDenied;
    };
    std::string prefix = root_;
    while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
    FamiliesByName families;
    std::map<std::string, int> uses;  // zone name -> next index, for names without "-N"
    for (const std::string& zone : zones) {
      const std::string base = std::string(kPowercap) + "/" + zone + "/";
      Result<std::string> raw_name = ReadFileUnderRoot(root_, base + "name");
      if (!raw_name) continue;  // a control type, not a zone
      std::string name(Trim(*raw_name));
      int index = uses[name];
      if (const std::size_t dash = name.find('-');
          dash != std::string::npos && name.find('-', dash + 1) == std::string::npos) {
        if (std::optional<std::int64_t> n = ParseInt(name.substr(dash + 1))) {
          index = static_cast<int>(*n);
          name = name.substr(0, dash);
        }
      }
      Result<std::uint64_t> range = read_uint(base + "max_energy_range_uj");
      if (!range) return nothing(range.error()) ? Result<Families>(Families{}) : range.error();
      uses[name] = index + 1;
      Result<std::uint64_t> energy = read_uint(base + "energy_uj");
      if (!energy) return nothing(energy.error()) ? Result<Families>(Families{}) : energy.error();
      const std::string metric = "node_rapl_" + SanitizeMetricName(name) + "_joules_total";
      families.Add(
          metric, "Current RAPL " + name + " value in joules", wire::METRIC_TYPE_COUNTER,
          static_cast<double>(*energy) / 1000000.0,
          {{"index", std::to_string(index)}, {"path", prefix + "/" + kPowercap + "/" + zone}});
    }
    return families.Take();
  }
};

}  // namespace

std::string SanitizeMetricName(std::string_view name) {
  // Regexp `_*[^0-9A-Za-z_]+_*` replaced by "_": find each run of invalid characters, widen it
  // over the underscores on both sides, and write one "_" for it.
  std::string out;
  std::size_t i = 0;
  while (i < name.size()) {
    if (NameCharacter(name[i])) {
      // An underscore run directly before an invalid character belongs to the match.
      std::size_t j = i;
      while (j < name.size() && name[j] == '_') ++j;
      if (j > i && j < name.size() && !NameCharacter(name[j])) {
        i = j;
        continue;
      }
      out += name[i];
      ++i;
      continue;
    }
    while (i < name.size() && !NameCharacter(name[i])) ++i;
    while (i < name.size() && name[i] == '_') ++i;
    out += '_';
  }
  return out;
}

std::unique_ptr<Collector> MakeRaplCollector(std::string root) {
  return std::make_unique<RaplCollector>(std::move(root));
}

}  // namespace vigil::agent
