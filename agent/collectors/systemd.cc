#include "agent/collectors/systemd.h"

#include <dlfcn.h>
#include <systemd/sd-bus.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <string_view>
#include <type_traits>

#include "common/metric_builder.h"

namespace vigil::agent {
namespace {

constexpr const char* kStates[] = {"activating", "active", "deactivating", "failed", "inactive"};
constexpr const char* kSystemd = "org.freedesktop.systemd1";
constexpr const char* kManagerPath = "/org/freedesktop/systemd1";
constexpr const char* kManager = "org.freedesktop.systemd1.Manager";

// The sd-bus entry points, found in libsystemd.so.0 at run time.
struct SdBus {
  decltype(&sd_bus_open_system) open_system = nullptr;
  decltype(&sd_bus_call_method) call_method = nullptr;
  decltype(&sd_bus_message_enter_container) enter_container = nullptr;
  decltype(&sd_bus_message_exit_container) exit_container = nullptr;
  decltype(&sd_bus_message_read) read = nullptr;
  decltype(&sd_bus_message_unref) message_unref = nullptr;
  decltype(&sd_bus_get_property_string) get_property_string = nullptr;
  decltype(&sd_bus_get_property_trivial) get_property_trivial = nullptr;
  decltype(&sd_bus_error_free) error_free = nullptr;
  decltype(&sd_bus_flush_close_unref) close = nullptr;

  static Result<SdBus> Load() {
    void* library = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) {
      return MakeError("systemd", std::string("cannot load libsystemd: ") + dlerror());
    }
    SdBus bus;
    bool all = true;
    const auto find = [&](auto& function, const char* symbol) {
      function = reinterpret_cast<std::remove_reference_t<decltype(function)>>(dlsym(library, symbol));
      all = all && function != nullptr;
    };
    find(bus.open_system, "sd_bus_open_system");
    find(bus.call_method, "sd_bus_call_method");
    find(bus.enter_container, "sd_bus_message_enter_container");
    find(bus.exit_container, "sd_bus_message_exit_container");
    find(bus.read, "sd_bus_message_read");
    find(bus.message_unref, "sd_bus_message_unref");
    find(bus.get_property_string, "sd_bus_get_property_string");
    find(bus.get_property_trivial, "sd_bus_get_property_trivial");
    find(bus.error_free, "sd_bus_error_free");
    find(bus.close, "sd_bus_flush_close_unref");
    if (!all) return MakeError("systemd", "libsystemd lacks an sd-bus function Vigil needs");
    return bus;  // the library stays loaded for the life of the process
  }
};

std::string Describe(int rc, const sd_bus_error& error) {
  if (error.message != nullptr) return error.message;
  return std::strerror(-rc);
}

class SystemdCollector final : public Collector {
 public:
  explicit SystemdCollector(SystemdOptions options)
      : filter_(options.unit_include, options.unit_exclude) {}

  const std::string& name() const override { return name_; }

  Result<std::vector<wire::MetricFamily>> Collect() override {
    if (!api_) {
      Result<SdBus> loaded = SdBus::Load();
      if (!loaded) return loaded.error();
      api_ = *loaded;
    }
    const SdBus& api = *api_;
    sd_bus* bus = nullptr;
    if (int rc = api.open_system(&bus); rc < 0) {
      return MakeError("systemd", std::string("cannot reach the system bus: ") + std::strerror(-rc));
    }
    std::unique_ptr<sd_bus, decltype(api.close)> bus_owner(bus, api.close);
    Result<std::vector<SystemdUnit>> units = ListUnits(api, bus);
    if (!units) return units.error();
    std::string state = "unknown";
    sd_bus_error error = SD_BUS_ERROR_NULL;
    char* value = nullptr;
    if (api.get_property_string(bus, kSystemd, kManagerPath, kManager, "SystemState", &error,
                                &value) >= 0) {
      state = value;
      std::free(value);
    }
    api.error_free(&error);
    return SystemdFamilies(*units, filter_, state);
  }

 private:
  Result<std::vector<SystemdUnit>> ListUnits(const SdBus& api, sd_bus* bus) {
    sd_bus_error error = SD_BUS_ERROR_NULL;
    sd_bus_message* reply = nullptr;
    const int rc = api.call_method(bus, kSystemd, kManagerPath, kManager, "ListUnits", &error,
                                   &reply, nullptr);
    if (rc < 0) {
      std::string why = Describe(rc, error);
      api.error_free(&error);
      return MakeError("systemd", "ListUnits failed: " + why);
    }
    std::unique_ptr<sd_bus_message, decltype(api.message_unref)> owner(reply, api.message_unref);
    std::vector<SystemdUnit> units;
    if (api.enter_container(reply, 'a', "(ssssssouso)") < 0) {
      return MakeError("systemd", "ListUnits answered in an unexpected shape");
    }
    const char *name, *description, *load, *active, *sub, *following, *path, *job_type, *job_path;
    std::uint32_t job_id = 0;
    std::vector<std::pair<std::string, std::string>> services;  // name, object path
    std::map<std::string, std::string> sockets;                 // name, object path
    while (api.read(reply, "(ssssssouso)", &name, &description, &load, &active, &sub, &following,
                    &path, &job_id, &job_type, &job_path) > 0) {
      if (!filter_.Keep(name)) continue;
      units.push_back({name, active, "", std::nullopt});
      if (std::string_view(name).ends_with(".service")) services.emplace_back(name, path);
      if (std::string_view(name).ends_with(".socket")) sockets.emplace(name, path);
    }
    api.exit_container(reply);
    for (SystemdUnit& unit : units) {
      if (auto socket = sockets.find(unit.name); socket != sockets.end()) {
        unit.socket = SocketCounts(api, bus, socket->second);
      }
    }
    // A service's Type, as node_exporter labels it; a unit that vanished meanwhile keeps "".
    std::map<std::string, std::string> types;
    for (const auto& [service, object_path] : services) {
      char* type = nullptr;
      if (api.get_property_string(bus, kSystemd, object_path.c_str(),
                                  "org.freedesktop.systemd1.Service", "Type", &error, &type) >= 0) {
        types[service] = type;
        std::free(type);
      }
      api.error_free(&error);
    }
    for (SystemdUnit& unit : units) {
      if (auto type = types.find(unit.name); type != types.end()) unit.service_type = type->second;
    }
    return units;
  }

  // As upstream: a socket whose NAccepted or NConnections cannot be read is left out; NRefused is
  // optional (systemd 239).
  static std::optional<SystemdUnit::SocketCounts> SocketCounts(const SdBus& api, sd_bus* bus,
                                                               const std::string& object_path) {
    const auto read = [&](const char* property) -> std::optional<std::uint32_t> {
      sd_bus_error error = SD_BUS_ERROR_NULL;
      std::uint32_t value = 0;
      const int rc = api.get_property_trivial(bus, kSystemd, object_path.c_str(), "org.freedesktop.systemd1.Socket",
                                              property, &error, 'u', &value);
      api.error_free(&error);
      if (rc < 0) return std::nullopt;
      return value;
    };
    const std::optional<std::uint32_t> accepted = read("NAccepted");
    const std::optional<std::uint32_t> connections = read("NConnections");
    if (!accepted || !connections) return std::nullopt;
    return SystemdUnit::SocketCounts{*accepted, *connections, read("NRefused")};
  }

  const std::string name_ = "systemd";
  NameFilter filter_;
  std::optional<SdBus> api_;
};

}  // namespace

std::vector<wire::MetricFamily> SystemdFamilies(const std::vector<SystemdUnit>& units,
                                                NameFilter& filter,
                                                const std::string& system_state) {
  auto unit_state = MakeFamily("node_systemd_unit_state", "Systemd unit", wire::METRIC_TYPE_GAUGE);
  std::map<std::string, int> counts;
  for (const char* state : kStates) counts[state] = 0;
  for (const SystemdUnit& unit : units) {
    if (!filter.Keep(unit.name)) continue;
    for (const char* state : kStates) {
      AddSeries(unit_state, unit.active_state == state ? 1 : 0,
                {{"name", unit.name}, {"state", state}, {"type", unit.service_type}});
    }
    if (counts.count(unit.active_state) > 0) ++counts[unit.active_state];
  }
  auto summary = MakeFamily("node_systemd_units", "Summary of systemd unit states",
                            wire::METRIC_TYPE_GAUGE);
  for (const auto& [state, count] : counts) AddSeries(summary, count, {{"state", state}});
  auto running = MakeFamily("node_systemd_system_running",
                            "Whether the system is operational (see 'systemctl is-system-running')",
                            wire::METRIC_TYPE_GAUGE);
  AddSeries(running, system_state == "running" ? 1 : 0);
  auto accepted = MakeFamily("node_systemd_socket_accepted_connections_total",
                             "Total number of accepted socket connections", wire::METRIC_TYPE_COUNTER);
  auto current = MakeFamily("node_systemd_socket_current_connections", "Current number of socket connections",
                            wire::METRIC_TYPE_GAUGE);
  // A gauge despite its name, as upstream exports it.
  auto refused = MakeFamily("node_systemd_socket_refused_connections_total",
                            "Total number of refused socket connections", wire::METRIC_TYPE_GAUGE);
  for (const SystemdUnit& unit : units) {
    if (!unit.socket || !filter.Keep(unit.name)) continue;
    AddSeries(accepted, unit.socket->accepted, {{"name", unit.name}});
    AddSeries(current, unit.socket->connections, {{"name", unit.name}});
    if (unit.socket->refused) AddSeries(refused, *unit.socket->refused, {{"name", unit.name}});
  }
  std::vector<wire::MetricFamily> out;
  if (unit_state.series_size() > 0) out.push_back(std::move(unit_state));
  for (auto* family : {&accepted, &current, &refused}) {
    if (family->series_size() > 0) out.push_back(std::move(*family));
  }
  out.push_back(std::move(summary));
  out.push_back(std::move(running));
  return out;
}

std::unique_ptr<Collector> MakeSystemdCollector(SystemdOptions options) {
  return std::make_unique<SystemdCollector>(std::move(options));
}

}  // namespace vigil::agent
