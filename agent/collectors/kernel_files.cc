#include "agent/collectors/kernel_files.h"

#include <unistd.h>

#include "agent/collectors/text.h"
#include "common/metric_builder.h"

namespace vigil::agent {
namespace {

using Families = std::vector<wire::MetricFamily>;

void AddGauge(Families& out, const std::string& name, const std::string& help, double value) {
  auto family = MakeFamily(name, help, wire::METRIC_TYPE_GAUGE);
  AddSeries(family, value);
  out.push_back(std::move(family));
}

Result<Families> ReadAndParse(const ReadRelative& read, const std::string& file,
                              const std::function<Result<Families>(std::string_view)>& parse) {
  Result<std::string> text = read(file);
  if (!text) return text.error();
  return parse(*text);
}

// Divided in two steps, as node_exporter does, so that the same double comes out.
double MicrosecondsToSeconds(double microseconds) { return microseconds / 1000.0 / 1000.0; }

}  // namespace

Result<Families> ParseSockstat(std::string_view text, double page_size) {
  Families out;
  for (std::string_view line : SplitLines(text)) {
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string protocol(line.substr(0, colon));
    const std::vector<std::string_view> fields = SplitFields(line.substr(colon + 1));
    if (fields.size() % 2 != 0) {
      return MakeError(ErrorCode::kParseFailed, "sockstat: odd number of fields for " + protocol);
    }
    for (std::size_t i = 0; i < fields.size(); i += 2) {
      std::optional<double> value = ParseDouble(fields[i + 1]);
      if (!value) return MakeError(ErrorCode::kParseFailed, "sockstat: bad value for " + protocol);
      const std::string key(fields[i]);
      if (protocol == "sockets" && key == "used") {
        AddGauge(out, "node_sockstat_sockets_used", "Number of IPv4 sockets in use.", *value);
        continue;
      }
      AddGauge(out, "node_sockstat_" + protocol + "_" + key,
               "Number of " + protocol + " sockets in state " + key + ".", *value);
      if (key == "mem") {
        AddGauge(out, "node_sockstat_" + protocol + "_mem_bytes",
                 "Number of " + protocol + " sockets in state mem_bytes.", *value * page_size);
      }
    }
  }
  return out;
}

Families ParseVmstat(std::string_view text, NameFilter& fields) {
  Families out;
  for (std::string_view line : SplitLines(text)) {
    const std::vector<std::string_view> parts = SplitFields(line);
    if (parts.size() != 2) continue;
    const std::string name(parts[0]);
    if (!fields.Keep(name)) continue;
    std::optional<double> value = ParseDouble(parts[1]);
    if (!value) continue;
    auto family = MakeFamily("node_vmstat_" + name, "/proc/vmstat information field " + name + ".",
                             wire::METRIC_TYPE_UNTYPED);
    AddSeries(family, *value);
    out.push_back(std::move(family));
  }
  return out;
}

Result<Families> ParseFileNr(std::string_view text) {
  const std::vector<std::string_view> fields = SplitFields(Trim(text));
  std::optional<double> allocated = fields.size() == 3 ? ParseDouble(fields[0]) : std::nullopt;
  std::optional<double> maximum = fields.size() == 3 ? ParseDouble(fields[2]) : std::nullopt;
  if (!allocated || !maximum) {
    return MakeError(ErrorCode::kParseFailed,
                     "file-nr: cannot parse \"" + std::string(Trim(text)) + "\"");
  }
  Families out;
  AddGauge(out, "node_filefd_allocated", "File descriptor statistics: allocated.", *allocated);
  AddGauge(out, "node_filefd_maximum", "File descriptor statistics: maximum.", *maximum);
  return out;
}

Result<Families> EntropyFamilies(std::string_view available, std::string_view pool_size) {
  std::optional<double> bits = ParseDouble(Trim(available));
  std::optional<double> pool = ParseDouble(Trim(pool_size));
  if (!bits || !pool)
    return MakeError(ErrorCode::kParseFailed, "entropy: cannot parse the kernel's figures");
  Families out;
  AddGauge(out, "node_entropy_available_bits", "Bits of available entropy.", *bits);
  AddGauge(out, "node_entropy_pool_size_bits", "Bits of entropy pool.", *pool);
  return out;
}

Result<PressureLine> ParsePressure(std::string_view text) {
  PressureLine parsed;
  bool some = false;
  for (std::string_view line : SplitLines(text)) {
    const std::vector<std::string_view> fields = SplitFields(line);
    if (fields.empty()) continue;
    std::optional<double> total;
    for (std::string_view field : fields) {
      if (field.substr(0, 6) == "total=") total = ParseDouble(field.substr(6));
    }
    if (!total)
      return MakeError(ErrorCode::kParseFailed,
                       "pressure: no total in \"" + std::string(line) + "\"");
    if (fields[0] == "some") {
      parsed.some_total_us = *total;
      some = true;
    } else if (fields[0] == "full") {
      parsed.full_total_us = *total;
    }
  }
  if (!some) return MakeError(ErrorCode::kParseFailed, "pressure: no \"some\" line");
  return parsed;
}

Gather PressureGather() {
  return [](const ReadRelative& read) -> Result<Families> {
    struct Resource {
      const char* name;
      const char* waiting_help;
      const char* stalled_help;  // null: only "some" is exported
    };
    const Resource resources[] = {
        {"cpu", "Total time in seconds that processes have waited for CPU time", nullptr},
        {"io", "Total time in seconds that processes have waited due to IO congestion",
         "Total time in seconds no process could make progress due to IO congestion"},
        {"memory", "Total time in seconds that processes have waited for memory",
         "Total time in seconds no process could make progress due to memory congestion"}};
    Families out;
    for (const Resource& resource : resources) {
      Result<std::string> text = read(std::string("proc/pressure/") + resource.name);
      if (!text) break;  // kernels before 4.20, or PSI switched off
      Result<PressureLine> line = ParsePressure(*text);
      if (!line) return line.error();
      const std::string prefix = std::string("node_pressure_") + resource.name;
      auto waiting = MakeFamily(prefix + "_waiting_seconds_total", resource.waiting_help,
                                wire::METRIC_TYPE_COUNTER);
      AddSeries(waiting, MicrosecondsToSeconds(line->some_total_us));
      out.push_back(std::move(waiting));
      if (resource.stalled_help != nullptr) {
        auto stalled = MakeFamily(prefix + "_stalled_seconds_total", resource.stalled_help,
                                  wire::METRIC_TYPE_COUNTER);
        AddSeries(stalled, MicrosecondsToSeconds(line->full_total_us.value_or(0)));
        out.push_back(std::move(stalled));
      }
    }
    return out;
  };
}

std::unique_ptr<Collector> MakeSockstatCollector(std::string root) {
  const double page_size = static_cast<double>(sysconf(_SC_PAGESIZE));
  return MakeFileCollector(
      "sockstat", std::move(root), [page_size](const ReadRelative& read) -> Result<Families> {
        auto parse = [page_size](std::string_view text) { return ParseSockstat(text, page_size); };
        Result<Families> v4 = ReadAndParse(read, "proc/net/sockstat", parse);
        if (!v4) return v4;
        // No sockstat6 without IPv6.
        if (Result<Families> v6 = ReadAndParse(read, "proc/net/sockstat6", parse)) {
          for (auto& family : *v6) v4->push_back(std::move(family));
        }
        return v4;
      });
}

std::unique_ptr<Collector> MakeVmstatCollector(std::string root, const std::string& fields) {
  auto pattern = std::make_shared<NameFilter>(fields, "");
  return MakeFileCollector("vmstat", std::move(root),
                           [pattern](const ReadRelative& read) -> Result<Families> {
                             Result<std::string> text = read("proc/vmstat");
                             if (!text) return text.error();
                             return ParseVmstat(*text, *pattern);
                           });
}

std::unique_ptr<Collector> MakeFilefdCollector(std::string root) {
  return MakeFileCollector("filefd", std::move(root), [](const ReadRelative& read) {
    return ReadAndParse(read, "proc/sys/fs/file-nr", &ParseFileNr);
  });
}

std::unique_ptr<Collector> MakeEntropyCollector(std::string root) {
  return MakeFileCollector(
      "entropy", std::move(root), [](const ReadRelative& read) -> Result<Families> {
        Result<std::string> available = read("proc/sys/kernel/random/entropy_avail");
        if (!available) return available.error();
        Result<std::string> pool = read("proc/sys/kernel/random/poolsize");
        if (!pool) return pool.error();
        return EntropyFamilies(*available, *pool);
      });
}

std::unique_ptr<Collector> MakePressureCollector(std::string root) {
  return MakeFileCollector("pressure", std::move(root), PressureGather());
}

std::vector<wire::MetricFamily> ParseSchedstat(std::string_view text) {
  auto running =
      MakeFamily("node_schedstat_running_seconds_total",
                 "Number of seconds CPU spent running a process.", wire::METRIC_TYPE_COUNTER);
  auto waiting = MakeFamily("node_schedstat_waiting_seconds_total",
                            "Number of seconds spent by processing waiting for this CPU.",
                            wire::METRIC_TYPE_COUNTER);
  auto timeslices = MakeFamily("node_schedstat_timeslices_total",
                               "Number of timeslices executed by CPU.", wire::METRIC_TYPE_COUNTER);
  for (std::string_view line : SplitLines(text)) {
    if (line.rfind("cpu", 0) != 0) continue;
    // node_exporter's procfs: "cpu(\d+)" then nine numbers, each after a single space.
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (start <= line.size()) {
      const std::size_t space = line.find(' ', start);
      parts.push_back(
          line.substr(start, space == std::string_view::npos ? line.npos : space - start));
      if (space == std::string_view::npos) break;
      start = space + 1;
    }
    const std::string_view cpu = parts[0].substr(3);
    if (cpu.empty() || !ParseUint(cpu) || parts.size() < 10) continue;
    std::optional<std::uint64_t> numbers[9];
    bool all = true;
    for (std::size_t i = 0; i < 9; ++i)
      all = all && (numbers[i] = ParseUint(parts[i + 1])).has_value();
    if (!all) continue;
    const LabelPairs labels = {{"cpu", std::string(cpu)}};
    AddSeries(running, static_cast<double>(*numbers[6]) / 1e9, labels);
    AddSeries(waiting, static_cast<double>(*numbers[7]) / 1e9, labels);
    AddSeries(timeslices, static_cast<double>(*numbers[8]), labels);
  }
  Families out;
  for (auto* family : {&running, &waiting, &timeslices}) out.push_back(std::move(*family));
  return out;
}

std::unique_ptr<Collector> MakeSchedstatCollector(std::string root) {
  return MakeFileCollector("schedstat", std::move(root),
                           [](const ReadRelative& read) -> Result<Families> {
                             Result<std::string> text = read("proc/schedstat");
                             if (!text) {
                               if (text.error().code == ErrorCode::kNotFound)
                                 return Families{};  // CONFIG_SCHEDSTATS off
                               return text.error();
                             }
                             return ParseSchedstat(*text);
                           });
}

}  // namespace vigil::agent
