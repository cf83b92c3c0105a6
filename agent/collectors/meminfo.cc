#include "agent/collectors/meminfo.h"

#include <charconv>

#include "agent/collectors/text.h"
#include "common/metric_builder.h"

namespace vigil::agent {
namespace {

// "Active(anon)" becomes "Active_anon", as node_exporter renames it.
std::string MetricField(std::string_view field) {
  std::string out;
  out.reserve(field.size() + 1);
  for (char c : field) {
    if (c == '(') {
      out += '_';
    } else if (c != ')') {
      out += c;
    }
  }
  return out;
}

}  // namespace

Result<std::vector<wire::MetricFamily>> ParseMeminfo(std::string_view text) {
  std::vector<wire::MetricFamily> out;
  int line_number = 0;
  for (std::string_view line : SplitLines(text)) {
    ++line_number;
    if (line.find_first_not_of(' ') == std::string_view::npos) continue;
    const auto bad = [&] {
      return MakeError(ErrorCode::kParseFailed, "/proc/meminfo line " +
                                                    std::to_string(line_number) +
                                                    ": cannot parse \"" + std::string(line) + "\"");
    };
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return bad();
    const std::string_view field = line.substr(0, colon);
    std::string_view rest = line.substr(colon + 1);
    const std::size_t start = rest.find_first_not_of(' ');
    if (start == std::string_view::npos) return bad();
    rest.remove_prefix(start);
    std::uint64_t value = 0;
    auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), value);
    if (ec != std::errc()) return bad();
    const std::string_view unit =
        std::string_view(ptr, static_cast<std::size_t>(rest.data() + rest.size() - ptr));
    std::string name = "node_memory_" + MetricField(field);
    double scaled = static_cast<double>(value);
    if (unit == " kB") {
      name += "_bytes";
      scaled *= 1024;
    } else if (!unit.empty()) {
      return bad();
    }
    auto family = MakeFamily(name, "Memory information field " + name.substr(12) + ".",
                             wire::METRIC_TYPE_GAUGE);
    AddSeries(family, scaled);
    out.push_back(std::move(family));
  }
  return out;
}

std::unique_ptr<Collector> MakeMeminfoCollector(std::string root) {
  return MakeFileCollector("meminfo", std::move(root), [](const ReadRelative& read) {
    Result<std::string> text = read("proc/meminfo");
    if (!text) return Result<std::vector<wire::MetricFamily>>(text.error());
    return ParseMeminfo(*text);
  });
}

}  // namespace vigil::agent
