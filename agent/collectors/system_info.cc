#include "agent/collectors/system_info.h"

#include <sys/utsname.h>

#include <algorithm>
#include <filesystem>
#include <regex>

#include "agent/collectors/text.h"
#include "common/metric_builder.h"

namespace vigil::agent {
namespace {

using Families = std::vector<wire::MetricFamily>;

std::string Unquote(std::string_view value) {
  if (value.size() >= 2 && value.front() == '\'' && value.back() == '\'') {
    return std::string(value.substr(1, value.size() - 2));
  }
  if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
    std::string out;
    for (std::size_t i = 1; i + 1 < value.size(); ++i) {
      if (value[i] == '\\' && i + 2 < value.size()) ++i;
      out += value[i];
    }
    return out;
  }
  return std::string(value);
}

std::string Get(const std::map<std::string, std::string>& release, const char* key) {
  auto it = release.find(key);
  return it == release.end() ? std::string() : it->second;
}

// The clocksources of <root>/sys/devices/system/clocksource/clocksource<N>.
Families ClocksourceFamilies(const std::string& root, const ReadRelative& read) {
  auto available = MakeFamily("node_time_clocksource_available_info",
                              "Available clocksources read from '/sys/devices/system/clocksource'.",
                              wire::METRIC_TYPE_GAUGE);
  auto current = MakeFamily("node_time_clocksource_current_info",
                            "Current clocksource read from '/sys/devices/system/clocksource'.",
                            wire::METRIC_TYPE_GAUGE);
  std::error_code ec;
  const std::filesystem::path folder =
      std::filesystem::path(root) / "sys/devices/system/clocksource";
  std::vector<std::string> devices;
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("clocksource", 0) == 0 && name.size() > 11 && ParseUint(name.substr(11))) {
      devices.push_back(name.substr(11));
    }
  }
  std::sort(devices.begin(), devices.end());
  for (const std::string& device : devices) {
    const std::string base = "sys/devices/system/clocksource/clocksource" + device + "/";
    if (Result<std::string> list = read(base + "available_clocksource")) {
      for (std::string_view source : SplitFields(Trim(*list))) {
        AddSeries(available, 1, {{"clocksource", std::string(source)}, {"device", device}});
      }
    }
    if (Result<std::string> source = read(base + "current_clocksource")) {
      AddSeries(current, 1, {{"clocksource", std::string(Trim(*source))}, {"device", device}});
    }
  }
  Families out;
  if (available.series_size() > 0) out.push_back(std::move(available));
  if (current.series_size() > 0) out.push_back(std::move(current));
  return out;
}

ZoneOffset LocalZone(std::chrono::system_clock::time_point now) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  std::tm local{};
  localtime_r(&seconds, &local);
  return {local.tm_zone != nullptr ? local.tm_zone : "UTC", local.tm_gmtoff};
}

}  // namespace

std::map<std::string, std::string> ParseOsRelease(std::string_view text) {
  std::map<std::string, std::string> release;
  for (std::string_view line : SplitLines(text)) {
    line = Trim(line);
    if (line.empty() || line.front() == '#') continue;
    const std::size_t equals = line.find('=');
    if (equals == std::string_view::npos) continue;
    release[std::string(line.substr(0, equals))] = Unquote(line.substr(equals + 1));
  }
  return release;
}

Families OsFamilies(const std::map<std::string, std::string>& release) {
  Families out;
  auto info = MakeFamily(
      "node_os_info",
      "A metric with a constant '1' value labeled by build_id, id, id_like, image_id, "
      "image_version, name, pretty_name, variant, variant_id, version, version_codename, "
      "version_id.",
      wire::METRIC_TYPE_GAUGE);
  AddSeries(info, 1,
            {{"build_id", Get(release, "BUILD_ID")},
             {"id", Get(release, "ID")},
             {"id_like", Get(release, "ID_LIKE")},
             {"image_id", Get(release, "IMAGE_ID")},
             {"image_version", Get(release, "IMAGE_VERSION")},
             {"name", Get(release, "NAME")},
             {"pretty_name", Get(release, "PRETTY_NAME")},
             {"variant", Get(release, "VARIANT")},
             {"variant_id", Get(release, "VARIANT_ID")},
             {"version", Get(release, "VERSION")},
             {"version_codename", Get(release, "VERSION_CODENAME")},
             {"version_id", Get(release, "VERSION_ID")}});
  out.push_back(std::move(info));
  // The major.minor part of VERSION_ID ("12", "22.04"); absent when there is none.
  static const std::regex kVersion("^[0-9]+\\.?[0-9]*");
  std::smatch match;
  const std::string version_id = Get(release, "VERSION_ID");
  if (std::regex_search(version_id, match, kVersion)) {
    if (std::optional<double> version = ParseDouble(match.str())) {
      auto family =
          MakeFamily("node_os_version", "Metric containing the major.minor part of the OS version.",
                     wire::METRIC_TYPE_GAUGE);
      AddSeries(family, *version,
                {{"id", Get(release, "ID")},
                 {"id_like", Get(release, "ID_LIKE")},
                 {"name", Get(release, "NAME")}});
      out.push_back(std::move(family));
    }
  }
  return out;
}

Families TimeFamilies(std::chrono::system_clock::time_point now, const ZoneOffset& zone) {
  Families out;
  auto seconds = MakeFamily("node_time_seconds", "System time in seconds since epoch (1970).",
                            wire::METRIC_TYPE_GAUGE);
  AddSeries(seconds, std::chrono::duration<double>(now.time_since_epoch()).count());
  out.push_back(std::move(seconds));
  auto offset = MakeFamily("node_time_zone_offset_seconds", "System time zone offset in seconds.",
                           wire::METRIC_TYPE_GAUGE);
  AddSeries(offset, static_cast<double>(zone.offset_seconds), {{"time_zone", zone.name}});
  out.push_back(std::move(offset));
  return out;
}

std::unique_ptr<Collector> MakeUnameCollector() {
  return MakeFileCollector("uname", "/", [](const ReadRelative&) -> Result<Families> {
    struct utsname name {};
    if (uname(&name) != 0) return MakeError(ErrorCode::kIoError, "uname(2) failed");
    auto info = MakeFamily("node_uname_info",
                           "Labeled system information as provided by the uname system call.",
                           wire::METRIC_TYPE_GAUGE);
    AddSeries(info, 1,
              {{"domainname", name.domainname},
               {"machine", name.machine},
               {"nodename", name.nodename},
               {"release", name.release},
               {"sysname", name.sysname},
               {"version", name.version}});
    Families out;
    out.push_back(std::move(info));
    return out;
  });
}

std::unique_ptr<Collector> MakeTimeCollector(std::string root, const Clock& clock) {
  return MakeFileCollector("time", root,
                           [&clock, root](const ReadRelative& read) -> Result<Families> {
                             const auto now = clock.Now();
                             Families out = TimeFamilies(now, LocalZone(now));
                             for (auto& family : ClocksourceFamilies(root, read)) {
                               out.push_back(std::move(family));
                             }
                             return out;
                           });
}

std::unique_ptr<Collector> MakeOsCollector(std::string root) {
  return MakeFileCollector("os", std::move(root), [](const ReadRelative& read) -> Result<Families> {
    Result<std::string> text = read("etc/os-release");
    if (!text) text = read("usr/lib/os-release");
    if (!text) return text.error();
    return OsFamilies(ParseOsRelease(*text));
  });
}

}  // namespace vigil::agent
