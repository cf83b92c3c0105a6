#include "agent/collectors/systemd.h"

#include <dbus/dbus.h>

#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

#include "common/metric_builder.h"

namespace vigil::agent {
namespace {

constexpr const char* kStates[] = {"activating", "active", "deactivating", "failed", "inactive"};
constexpr const char* kSystemd = "org.freedesktop.systemd1";
constexpr const char* kManagerPath = "/org/freedesktop/systemd1";
constexpr const char* kManager = "org.freedesktop.systemd1.Manager";
constexpr int kCallTimeoutMs = 5000;  // one slow answer must not stall a collection for long

// A private connection to the system bus (DBUS_SYSTEM_BUS_ADDRESS when set, as libdbus reads it),
// closed when the object goes away.
class Bus {
 public:
  static Result<Bus> Open() {
    static const bool threads_ready =
        dbus_threads_init_default() != 0;  // collectors may run on any thread
    (void)threads_ready;
    DBusError error;
    dbus_error_init(&error);
    DBusConnection* connection = dbus_bus_get_private(DBUS_BUS_SYSTEM, &error);
    if (connection == nullptr) {
      std::string why = dbus_error_is_set(&error) ? error.message : "unknown error";
      dbus_error_free(&error);
      return MakeError(ErrorCode::kIoError, "cannot reach the system bus: " + why);
    }
    dbus_connection_set_exit_on_disconnect(connection, FALSE);
    return Bus(connection);
  }
  Bus(Bus&& other) noexcept : connection_(std::exchange(other.connection_, nullptr)) {}
  Bus& operator=(Bus&&) = delete;
  ~Bus() {
    if (connection_ != nullptr) {
      dbus_connection_close(connection_);
      dbus_connection_unref(connection_);
    }
  }

  // Calls a method without arguments, or with string arguments; the reply or an error naming it.
  Result<DBusMessage*> Call(const char* path, const char* interface, const char* method,
                            std::initializer_list<const char*> arguments = {}) const {
    DBusMessage* call = dbus_message_new_method_call(kSystemd, path, interface, method);
    if (call == nullptr) return MakeError(ErrorCode::kIoError, "out of memory");
    DBusMessageIter args;
    dbus_message_iter_init_append(call, &args);
    for (const char* argument : arguments)
      dbus_message_iter_append_basic(&args, DBUS_TYPE_STRING, &argument);
    DBusError error;
    dbus_error_init(&error);
    DBusMessage* reply =
        dbus_connection_send_with_reply_and_block(connection_, call, kCallTimeoutMs, &error);
    dbus_message_unref(call);
    if (reply == nullptr) {
      std::string why = dbus_error_is_set(&error) ? error.message : "no reply";
      dbus_error_free(&error);
      return MakeError(ErrorCode::kIoError, std::string(method) + " failed: " + why);
    }
    return reply;
  }

  // A property of a unit or the manager (org.freedesktop.DBus.Properties.Get); nullopt when it
  // cannot be read or has another type than `type`.
  template <typename T>
  std::optional<T> Property(const char* path, const char* interface, const char* name,
                            int type) const {
    Result<DBusMessage*> reply =
        Call(path, "org.freedesktop.DBus.Properties", "Get", {interface, name});
    if (!reply) return std::nullopt;
    std::optional<T> value;
    DBusMessageIter iter, variant;
    if (dbus_message_iter_init(*reply, &iter) &&
        dbus_message_iter_get_arg_type(&iter) == DBUS_TYPE_VARIANT) {
      dbus_message_iter_recurse(&iter, &variant);
      if (dbus_message_iter_get_arg_type(&variant) == type) {
        if constexpr (std::is_same_v<T, std::string>) {
          const char* text = nullptr;
          dbus_message_iter_get_basic(&variant, &text);
          value = std::string(text);
        } else {
          T number{};
          dbus_message_iter_get_basic(&variant, &number);
          value = number;
        }
      }
    }
    dbus_message_unref(*reply);
    return value;
  }

 private:
  explicit Bus(DBusConnection* connection) : connection_(connection) {}
  DBusConnection* connection_;
};

class SystemdCollector final : public Collector {
 public:
  explicit SystemdCollector(SystemdOptions options)
      : filter_(options.unit_include, options.unit_exclude) {}

  const std::string& name() const override { return name_; }

  Result<std::vector<wire::MetricFamily>> Collect() override {
    Result<Bus> bus = Bus::Open();
    if (!bus) return bus.error();
    SystemdManager manager;
    manager.version =
        bus->Property<std::string>(kManagerPath, kManager, "Version", DBUS_TYPE_STRING)
            .value_or("");
    // SystemState and timers' LastTriggerUSec exist since systemd 212; upstream asks older ones for
    // neither.
    const bool since_212 = SystemdVersionNumber(manager.version) >= 212;
    Result<std::vector<SystemdUnit>> units = ListUnits(*bus, since_212);
    if (!units) return units.error();
    if (since_212) {
      manager.system_state =
          bus->Property<std::string>(kManagerPath, kManager, "SystemState", DBUS_TYPE_STRING)
              .value_or("unknown");
    }
    return SystemdFamilies(manager, *units, filter_);
  }

 private:
  // Every unit, with the properties node_exporter reads for the loaded ones the filter keeps.
  Result<std::vector<SystemdUnit>> ListUnits(const Bus& bus, bool read_timers) {
    Result<DBusMessage*> reply = bus.Call(kManagerPath, kManager, "ListUnits");
    if (!reply) return reply.error();
    std::unique_ptr<DBusMessage, void (*)(DBusMessage*)> owner(*reply, dbus_message_unref);
    DBusMessageIter iter, array;
    if (!dbus_message_iter_init(*reply, &iter) ||
        dbus_message_iter_get_arg_type(&iter) != DBUS_TYPE_ARRAY ||
        dbus_message_iter_get_element_type(&iter) != DBUS_TYPE_STRUCT) {
      return MakeError(ErrorCode::kIoError, "ListUnits answered in an unexpected shape");
    }
    std::vector<SystemdUnit> units;
    std::vector<std::string> paths;
    dbus_message_iter_recurse(&iter, &array);
    for (; dbus_message_iter_get_arg_type(&array) == DBUS_TYPE_STRUCT;
         dbus_message_iter_next(&array)) {
      // (name, description, load, active, sub, following, object path, job id, job type, job path)
      DBusMessageIter field;
      dbus_message_iter_recurse(&array, &field);
      std::vector<std::string> texts;
      for (int i = 0; i < 7; ++i, dbus_message_iter_next(&field)) {
        const int type = dbus_message_iter_get_arg_type(&field);
        if (type != DBUS_TYPE_STRING && type != DBUS_TYPE_OBJECT_PATH) {
          return MakeError(ErrorCode::kIoError, "ListUnits answered in an unexpected shape");
        }
        const char* text = nullptr;
        dbus_message_iter_get_basic(&field, &text);
        texts.emplace_back(text);
      }
      units.push_back({texts[0], texts[2], texts[3], "", std::nullopt, std::nullopt});
      paths.push_back(texts[6]);
    }
    for (std::size_t i = 0; i < units.size(); ++i) {
      SystemdUnit& unit = units[i];
      if (unit.load_state != "loaded" || !filter_.Keep(unit.name)) continue;
      const char* path = paths[i].c_str();
      const std::string_view name = unit.name;
      // A unit that vanished meanwhile keeps an empty type and no counts, as upstream.
      if (name.ends_with(".service") || name.ends_with(".mount")) {
        const char* interface = name.ends_with(".service") ? "org.freedesktop.systemd1.Service"
                                                           : "org.freedesktop.systemd1.Mount";
        unit.type =
            bus.Property<std::string>(path, interface, "Type", DBUS_TYPE_STRING).value_or("");
      } else if (name.ends_with(".socket")) {
        unit.socket = SocketCounts(bus, path);
      } else if (name.ends_with(".timer") && read_timers) {
        unit.timer_last_trigger_usec = bus.Property<std::uint64_t>(
            path, "org.freedesktop.systemd1.Timer", "LastTriggerUSec", DBUS_TYPE_UINT64);
      }
    }
    return units;
  }

  // As upstream: a socket whose NAccepted or NConnections cannot be read is left out; NRefused is
  // optional (systemd 239).
  static std::optional<SystemdUnit::SocketCounts> SocketCounts(const Bus& bus, const char* path) {
    const auto read = [&](const char* property) {
      return bus.Property<std::uint32_t>(path, "org.freedesktop.systemd1.Socket", property,
                                         DBUS_TYPE_UINT32);
    };
    const std::optional<std::uint32_t> accepted = read("NAccepted");
    const std::optional<std::uint32_t> connections = read("NConnections");
    if (!accepted || !connections) return std::nullopt;
    return SystemdUnit::SocketCounts{*accepted, *connections, read("NRefused")};
  }

  const std::string name_ = "systemd";
  NameFilter filter_;
};

}  // namespace

double SystemdVersionNumber(const std::string& version) {
  for (std::size_t start = 0; start < version.size();) {
    std::size_t end = start;
    while (end < version.size() && std::isdigit(static_cast<unsigned char>(version[end]))) ++end;
    if (end - start >= 3) {
      if (end + 1 < version.size() && version[end] == '.' &&
          std::isdigit(static_cast<unsigned char>(version[end + 1]))) {
        end += 1;
        while (end < version.size() && std::isdigit(static_cast<unsigned char>(version[end])))
          ++end;
      }
      return std::strtod(version.substr(start, end - start).c_str(), nullptr);
    }
    start = end == start ? start + 1 : end;
  }
  return 0;
}

std::vector<wire::MetricFamily> SystemdFamilies(const SystemdManager& manager,
                                                const std::vector<SystemdUnit>& units,
                                                NameFilter& filter) {
  auto version =
      MakeFamily("node_systemd_version", "Detected systemd version", wire::METRIC_TYPE_GAUGE);
  AddSeries(version, SystemdVersionNumber(manager.version),
            {{"version", SystemdVersionNumber(manager.version) > 0 ? manager.version : ""}});
  auto summary =
      MakeFamily("node_systemd_units", "Summary of systemd unit states", wire::METRIC_TYPE_GAUGE);
  std::map<std::string, int> counts;
  for (const char* state : kStates) counts[state] = 0;
  for (const SystemdUnit& unit : units) {
    if (counts.count(unit.active_state) > 0) ++counts[unit.active_state];
  }
  for (const auto& [state, count] : counts) AddSeries(summary, count, {{"state", state}});

  auto unit_state = MakeFamily("node_systemd_unit_state", "Systemd unit", wire::METRIC_TYPE_GAUGE);
  auto accepted =
      MakeFamily("node_systemd_socket_accepted_connections_total",
                 "Total number of accepted socket connections", wire::METRIC_TYPE_COUNTER);
  auto current = MakeFamily("node_systemd_socket_current_connections",
                            "Current number of socket connections", wire::METRIC_TYPE_GAUGE);
  // A gauge despite its name, as upstream exports it.
  auto refused = MakeFamily("node_systemd_socket_refused_connections_total",
                            "Total number of refused socket connections", wire::METRIC_TYPE_GAUGE);
  auto last_trigger = MakeFamily("node_systemd_timer_last_trigger_seconds",
                                 "Seconds since epoch of last trigger.", wire::METRIC_TYPE_GAUGE);
  for (const SystemdUnit& unit : units) {
    if (unit.load_state != "loaded" || !filter.Keep(unit.name)) continue;
    for (const char* state : kStates) {
      AddSeries(unit_state, unit.active_state == state ? 1 : 0,
                {{"name", unit.name}, {"state", state}, {"type", unit.type}});
    }
    if (unit.socket) {
      AddSeries(accepted, unit.socket->accepted, {{"name", unit.name}});
      AddSeries(current, unit.socket->connections, {{"name", unit.name}});
      if (unit.socket->refused) AddSeries(refused, *unit.socket->refused, {{"name", unit.name}});
    }
    if (unit.timer_last_trigger_usec) {
      AddSeries(last_trigger, static_cast<double>(*unit.timer_last_trigger_usec) / 1e6,
                {{"name", unit.name}});
    }
  }
  std::vector<wire::MetricFamily> out;
  out.push_back(std::move(version));
  out.push_back(std::move(summary));
  for (auto* family : {&unit_state, &accepted, &current, &refused, &last_trigger}) {
    if (family->series_size() > 0) out.push_back(std::move(*family));
  }
  if (manager.system_state) {
    auto running =
        MakeFamily("node_systemd_system_running",
                   "Whether the system is operational (see 'systemctl is-system-running')",
                   wire::METRIC_TYPE_GAUGE);
    AddSeries(running, *manager.system_state == "running" ? 1 : 0);
    out.push_back(std::move(running));
  }
  return out;
}

std::unique_ptr<Collector> MakeSystemdCollector(SystemdOptions options) {
  return std::make_unique<SystemdCollector>(std::move(options));
}

}  // namespace vigil::agent
