#include "agent/collectors/selinux.h"

#include <sys/vfs.h>

#include "agent/collectors/text.h"
#include "common/metric_builder.h"

namespace vigil::agent {
namespace {

constexpr const char* kSelinuxFs = "/sys/fs/selinux";
constexpr long kSelinuxMagic = 0xf97cff8c;  // <linux/magic.h> SELINUX_MAGIC

bool SelinuxEnabled() {
  struct statfs info {};
  if (statfs(kSelinuxFs, &info) != 0 || static_cast<long>(info.f_type) != kSelinuxMagic)
    return false;
  // The kernel labels the process "kernel" when no policy is loaded.
  Result<std::string> context = ReadFileUnderRoot("/", "proc/self/attr/current");
  return !context || Trim(std::string_view(context->c_str())) != "kernel";
}

class SelinuxCollector final : public Collector {
 public:
  const std::string& name() const override { return name_; }
  Result<std::vector<wire::MetricFamily>> Collect() override {
    std::vector<wire::MetricFamily> out;
    const auto gauge = [&out](const char* name, const char* help, double value) {
      auto family = MakeFamily(name, help, wire::METRIC_TYPE_GAUGE);
      AddSeries(family, value);
      out.push_back(std::move(family));
    };
    if (!SelinuxEnabled()) {
      gauge("node_selinux_enabled", "SELinux is enabled, 1 is true, 0 is false", 0);
      return out;
    }
    gauge("node_selinux_enabled", "SELinux is enabled, 1 is true, 0 is false", 1);
    Result<std::string> config = ReadFileUnderRoot("/", "etc/selinux/config");
    gauge("node_selinux_config_mode", "Configured SELinux enforcement mode",
          config ? SelinuxConfigMode(*config) : -1);
    Result<std::string> enforce = ReadFileUnderRoot(kSelinuxFs, "enforce");
    std::optional<std::int64_t> current = enforce ? ParseInt(Trim(*enforce)) : std::nullopt;
    gauge("node_selinux_current_mode", "Current SELinux enforcement mode",
          current ? static_cast<double>(*current) : -1);
    return out;
  }

 private:
  const std::string name_ = "selinux";
};

}  // namespace

int SelinuxConfigMode(std::string_view config) {
  for (std::string_view line : SplitLines(config)) {
    line = Trim(line);
    if (line.rfind("SELINUX=", 0) != 0) continue;
    const std::string_view value = Trim(line.substr(8));
    if (value == "enforcing") return 1;
    if (value == "permissive") return 0;
    return -1;
  }
  return -1;
}

std::unique_ptr<Collector> MakeSelinuxCollector() { return std::make_unique<SelinuxCollector>(); }

}  // namespace vigil::agent
