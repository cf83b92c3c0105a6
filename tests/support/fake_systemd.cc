#include "tests/support/fake_systemd.h"

#include <dbus/dbus.h>

#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <thread>
#include <tuple>
#include <variant>
#include <vector>

#include "tests/support/process.h"
#include "tests/support/wait.h"

namespace vigil::testing {
namespace {

constexpr const char* kManagerPath = "/org/freedesktop/systemd1";

struct Unit {
  const char* name;
  const char* load;
  const char* active;
  const char* sub;
};

constexpr Unit kUnits[] = {
    {"nginx.service", "loaded", "active", "running"},
    {"backup.service", "loaded", "failed", "failed"},
    {"cron.service", "loaded", "inactive", "dead"},
    {"ghost.service", "not-found", "inactive", "dead"},
    {"ssh.socket", "loaded", "active", "listening"},
    {"apt-daily.timer", "loaded", "active", "waiting"},
    {"tmp.mount", "loaded", "active", "mounted"},
    {"multi-user.target", "loaded", "active", "active"},
    {"dev-vda.device", "loaded", "activating", "tentative"},
};

// systemd's object path for a unit: every byte but [A-Za-z0-9] as _xx (as sd_bus_path_encode).
std::string UnitPath(const std::string& name) {
  std::string path = std::string(kManagerPath) + "/unit/";
  for (unsigned char c : name) {
    if (std::isalnum(c)) {
      path += static_cast<char>(c);
    } else {
      char escaped[4];
      std::snprintf(escaped, sizeof escaped, "_%02x", c);
      path += escaped;
    }
  }
  return path;
}

using Value = std::variant<std::string, dbus_uint32_t, dbus_uint64_t>;
using PropertyKey = std::tuple<std::string, std::string, std::string>;  // path, interface, name

std::map<PropertyKey, Value> Properties() {
  const std::string systemd = "org.freedesktop.systemd1.";
  return {
      {{kManagerPath, systemd + "Manager", "Version"}, std::string(FakeSystemd::kVersion)},
      {{kManagerPath, systemd + "Manager", "SystemState"}, std::string(FakeSystemd::kSystemState)},
      {{UnitPath("nginx.service"), systemd + "Service", "Type"}, std::string("notify")},
      {{UnitPath("backup.service"), systemd + "Service", "Type"}, std::string("oneshot")},
      {{UnitPath("cron.service"), systemd + "Service", "Type"}, std::string("simple")},
      {{UnitPath("tmp.mount"), systemd + "Mount", "Type"}, std::string("tmpfs")},
      {{UnitPath("ssh.socket"), systemd + "Socket", "NAccepted"}, dbus_uint32_t{7}},
      {{UnitPath("ssh.socket"), systemd + "Socket", "NConnections"}, dbus_uint32_t{1}},
      {{UnitPath("ssh.socket"), systemd + "Socket", "NRefused"}, dbus_uint32_t{2}},
      {{UnitPath("apt-daily.timer"), systemd + "Timer", "LastTriggerUSec"},
       dbus_uint64_t{1795800000123456}},
  };
}

void AppendUnits(DBusMessageIter* out) {
  DBusMessageIter array;
  dbus_message_iter_open_container(out, DBUS_TYPE_ARRAY, "(ssssssouso)", &array);
  for (const Unit& unit : kUnits) {
    DBusMessageIter entry;
    dbus_message_iter_open_container(&array, DBUS_TYPE_STRUCT, nullptr, &entry);
    const char* empty = "";
    const char* root = "/";
    const std::string path = UnitPath(unit.name);
    const char* path_text = path.c_str();
    dbus_uint32_t job = 0;
    for (const char* text : {unit.name, empty, unit.load, unit.active, unit.sub, empty}) {
      dbus_message_iter_append_basic(&entry, DBUS_TYPE_STRING, &text);
    }
    dbus_message_iter_append_basic(&entry, DBUS_TYPE_OBJECT_PATH, &path_text);
    dbus_message_iter_append_basic(&entry, DBUS_TYPE_UINT32, &job);
    dbus_message_iter_append_basic(&entry, DBUS_TYPE_STRING, &empty);
    dbus_message_iter_append_basic(&entry, DBUS_TYPE_OBJECT_PATH, &root);
    dbus_message_iter_close_container(&array, &entry);
  }
  dbus_message_iter_close_container(out, &array);
}

void AppendVariant(DBusMessageIter* out, const Value& value) {
  DBusMessageIter variant;
  if (const auto* text = std::get_if<std::string>(&value)) {
    const char* chars = text->c_str();
    dbus_message_iter_open_container(out, DBUS_TYPE_VARIANT, "s", &variant);
    dbus_message_iter_append_basic(&variant, DBUS_TYPE_STRING, &chars);
  } else if (const auto* u32 = std::get_if<dbus_uint32_t>(&value)) {
    dbus_message_iter_open_container(out, DBUS_TYPE_VARIANT, "u", &variant);
    dbus_message_iter_append_basic(&variant, DBUS_TYPE_UINT32, u32);
  } else {
    dbus_message_iter_open_container(out, DBUS_TYPE_VARIANT, "t", &variant);
    dbus_message_iter_append_basic(&variant, DBUS_TYPE_UINT64, &std::get<dbus_uint64_t>(value));
  }
  dbus_message_iter_close_container(out, &variant);
}

DBusHandlerResult AnswerAsSystemd(DBusConnection* connection, DBusMessage* message, void*) {
  if (dbus_message_get_type(message) != DBUS_MESSAGE_TYPE_METHOD_CALL)
    return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
  static const std::map<PropertyKey, Value> kProperties = Properties();
  DBusMessage* reply = nullptr;
  if (dbus_message_is_method_call(message, "org.freedesktop.systemd1.Manager", "ListUnits")) {
    reply = dbus_message_new_method_return(message);
    DBusMessageIter out;
    dbus_message_iter_init_append(reply, &out);
    AppendUnits(&out);
  } else if (dbus_message_is_method_call(message, "org.freedesktop.DBus.Properties", "Get")) {
    const char* interface = nullptr;
    const char* property = nullptr;
    dbus_message_get_args(message, nullptr, DBUS_TYPE_STRING, &interface, DBUS_TYPE_STRING,
                          &property, DBUS_TYPE_INVALID);
    const auto found = kProperties.find(
        {dbus_message_get_path(message), interface ? interface : "", property ? property : ""});
    if (found == kProperties.end()) {
      reply = dbus_message_new_error(message, DBUS_ERROR_UNKNOWN_PROPERTY, "no such property");
    } else {
      reply = dbus_message_new_method_return(message);
      DBusMessageIter out;
      dbus_message_iter_init_append(reply, &out);
      AppendVariant(&out, found->second);
    }
  } else {
    return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
  }
  dbus_connection_send(connection, reply, nullptr);
  dbus_message_unref(reply);
  return DBUS_HANDLER_RESULT_HANDLED;
}

}  // namespace

struct FakeSystemd::State {
  std::string address;
  std::string problem;
  std::unique_ptr<Process> daemon;
  DBusConnection* connection = nullptr;
  std::atomic<bool> stop{false};
  std::thread thread;
};

FakeSystemd::FakeSystemd(const TempDir& dir) : state_(std::make_unique<State>()) {
  const std::string socket = dir.File("system_bus_socket");
  state_->address = "unix:path=" + socket;
  state_->daemon = Process::Start(
      {"dbus-daemon", "--session", "--nofork", "--nopidfile", "--address=" + state_->address},
      dir.File("dbus.out"), dir.File("dbus.err"));
  if (!WaitFor([&] { return std::filesystem::exists(socket) || !state_->daemon->Running(); }) ||
      !std::filesystem::exists(socket)) {
    state_->problem = "dbus-daemon did not start: " + state_->daemon->Stderr();
    return;
  }
  DBusError error;
  dbus_error_init(&error);
  state_->connection = dbus_connection_open_private(state_->address.c_str(), &error);
  if (state_->connection == nullptr || !dbus_bus_register(state_->connection, &error) ||
      dbus_bus_request_name(state_->connection, "org.freedesktop.systemd1",
                            DBUS_NAME_FLAG_DO_NOT_QUEUE,
                            &error) != DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER) {
    state_->problem =
        dbus_error_is_set(&error) ? error.message : "cannot own org.freedesktop.systemd1";
    dbus_error_free(&error);
    return;
  }
  static const DBusObjectPathVTable kTable = {nullptr, &AnswerAsSystemd, nullptr,
                                              nullptr, nullptr,          nullptr};
  dbus_connection_register_fallback(state_->connection, kManagerPath, &kTable, nullptr);
  state_->thread = std::thread([state = state_.get()] {
    while (!state->stop && dbus_connection_read_write_dispatch(state->connection, 50)) {
    }
  });
}

FakeSystemd::~FakeSystemd() {
  state_->stop = true;
  if (state_->thread.joinable()) state_->thread.join();
  if (state_->connection != nullptr) {
    dbus_connection_close(state_->connection);
    dbus_connection_unref(state_->connection);
  }
}

const std::string& FakeSystemd::problem() const { return state_->problem; }
const std::string& FakeSystemd::address() const { return state_->address; }

}  // namespace vigil::testing
