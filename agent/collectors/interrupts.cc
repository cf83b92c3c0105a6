#include "agent/collectors/interrupts.h"

#include <map>

#include "agent/collectors/text.h"
#include "common/metric_builder.h"

namespace vigil::agent {
namespace {

using Families = std::vector<wire::MetricFamily>;

std::string Join(const std::vector<std::string_view>& words, std::size_t from) {
  std::string out;
  for (std::size_t i = from; i < words.size(); ++i) {
    if (!out.empty()) out.push_back(' ');
    out.append(words[i]);
  }
  return out;
}

class InterruptsCollector final : public RootCollector {
 public:
  explicit InterruptsCollector(std::string root) : RootCollector("interrupts", std::move(root)) {}

  Result<Families> Collect() override {
    Result<std::string> text = ReadFileUnderRoot(root_, "proc/interrupts");
    if (!text) return text.error();
    const std::vector<std::string_view> lines = SplitLines(*text);
    if (lines.empty()) return MakeError(ErrorCode::kParseFailed, "proc/interrupts: empty");
    const std::size_t cpus = SplitWords(lines[0]).size();  // one header per CPU
    struct Interrupt {
      std::string info, devices;
      std::vector<std::string_view> counts;
    };
    std::map<std::string, Interrupt> interrupts;  // the last line of a name wins, as upstream
    for (std::size_t i = 1; i < lines.size(); ++i) {
      const std::vector<std::string_view> parts = SplitWords(lines[i]);
      if (parts.size() < cpus + 2) continue;  // ERR and MIS carry one count, not one per CPU
      std::string name(parts[0].substr(0, parts[0].size() - 1));  // without its ':'
      Interrupt interrupt;
      interrupt.counts.assign(parts.begin() + 1,
                              parts.begin() + 1 + static_cast<std::ptrdiff_t>(cpus));
      if (ParseInt(name)) {  // a numbered IRQ: its chip, then the devices on it
        interrupt.info = std::string(parts[cpus + 1]);
        interrupt.devices = Join(parts, cpus + 2);
      } else {
        interrupt.info = Join(parts, cpus + 1);
      }
      interrupts[name] = std::move(interrupt);
    }
    auto family =
        MakeFamily("node_interrupts_total", "Interrupt details.", wire::METRIC_TYPE_COUNTER);
    for (const auto& [name, interrupt] : interrupts) {
      for (std::size_t cpu = 0; cpu < interrupt.counts.size(); ++cpu) {
        const std::optional<double> count = ParseDouble(interrupt.counts[cpu]);
        if (!count) {
          return MakeError(ErrorCode::kParseFailed, "proc/interrupts: \"" +
                                                        std::string(interrupt.counts[cpu]) +
                                                        "\" is not a count (" + name + ")");
        }
        AddSeries(family, *count,
                  {{"cpu", std::to_string(cpu)},
                   {"devices", interrupt.devices},
                   {"info", interrupt.info},
                   {"type", name}});
      }
    }
    Families out;
    out.push_back(std::move(family));
    return out;
  }
};

}  // namespace

std::unique_ptr<Collector> MakeInterruptsCollector(std::string root) {
  return std::make_unique<InterruptsCollector>(std::move(root));
}

}  // namespace vigil::agent
