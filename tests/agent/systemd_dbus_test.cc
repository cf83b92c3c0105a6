// The systemd collector over a real D-Bus daemon that the test starts, with a fake systemd on it:
// the collector's libdbus calls (ListUnits, and Properties.Get for the manager's state, services'
// Type and sockets' counts) and what it makes of the answers.

#include <dbus/dbus.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "agent/collectors/systemd.h"
#include "tests/support/exposition_parser.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "tests/support/wait.h"

namespace vigil::agent {
namespace {

constexpr const char* kUnitPath = "/org/freedesktop/systemd1/unit/";

// Answers as systemd would, for three units: a service, a socket and a mount.
DBusHandlerResult AnswerAsSystemd(DBusConnection* connection, DBusMessage* message, void*) {
  if (dbus_message_get_type(message) != DBUS_MESSAGE_TYPE_METHOD_CALL) return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
  DBusMessage* reply = dbus_message_new_method_return(message);
  DBusMessageIter out;
  dbus_message_iter_init_append(reply, &out);
  if (dbus_message_is_method_call(message, "org.freedesktop.systemd1.Manager", "ListUnits")) {
    DBusMessageIter array;
    dbus_message_iter_open_container(&out, DBUS_TYPE_ARRAY, "(ssssssouso)", &array);
    struct Unit {
      const char *name, *active, *path;
    };
    for (const Unit& unit : {Unit{"nginx.service", "active", "/org/freedesktop/systemd1/unit/nginx_2eservice"},
                             Unit{"ssh.socket", "active", "/org/freedesktop/systemd1/unit/ssh_2esocket"},
                             Unit{"tmp.mount", "active", "/org/freedesktop/systemd1/unit/tmp_2emount"}}) {
      DBusMessageIter entry;
      dbus_message_iter_open_container(&array, DBUS_TYPE_STRUCT, nullptr, &entry);
      const char* empty = "";
      const char* loaded = "loaded";
      const char* sub = "running";
      const char* root = "/";
      dbus_uint32_t job = 0;
      for (const char* text : {unit.name, empty, loaded, unit.active, sub, empty}) {
        dbus_message_iter_append_basic(&entry, DBUS_TYPE_STRING, &text);
      }
      dbus_message_iter_append_basic(&entry, DBUS_TYPE_OBJECT_PATH, &unit.path);
      dbus_message_iter_append_basic(&entry, DBUS_TYPE_UINT32, &job);
      dbus_message_iter_append_basic(&entry, DBUS_TYPE_STRING, &empty);
      dbus_message_iter_append_basic(&entry, DBUS_TYPE_OBJECT_PATH, &root);
      dbus_message_iter_close_container(&array, &entry);
    }
    dbus_message_iter_close_container(&out, &array);
  } else if (dbus_message_is_method_call(message, "org.freedesktop.DBus.Properties", "Get")) {
    const char* interface = nullptr;
    const char* property = nullptr;
    dbus_message_get_args(message, nullptr, DBUS_TYPE_STRING, &interface, DBUS_TYPE_STRING, &property,
                          DBUS_TYPE_INVALID);
    const std::string path = dbus_message_get_path(message);
    DBusMessageIter variant;
    if (std::strcmp(property, "SystemState") == 0 || std::strcmp(property, "Type") == 0) {
      const char* value = std::strcmp(property, "Type") == 0 ? "notify" : "running";
      dbus_message_iter_open_container(&out, DBUS_TYPE_VARIANT, "s", &variant);
      dbus_message_iter_append_basic(&variant, DBUS_TYPE_STRING, &value);
      dbus_message_iter_close_container(&out, &variant);
    } else if (path.rfind(kUnitPath, 0) == 0 && std::strcmp(interface, "org.freedesktop.systemd1.Socket") == 0) {
      const dbus_uint32_t value = std::strcmp(property, "NAccepted") == 0 ? 7 : std::strcmp(property, "NRefused") == 0 ? 2 : 1;
      dbus_message_iter_open_container(&out, DBUS_TYPE_VARIANT, "u", &variant);
      dbus_message_iter_append_basic(&variant, DBUS_TYPE_UINT32, &value);
      dbus_message_iter_close_container(&out, &variant);
    } else {
      dbus_message_unref(reply);
      reply = dbus_message_new_error(message, DBUS_ERROR_UNKNOWN_PROPERTY, "no such property");
    }
  } else {
    return DBUS_HANDLER_RESULT_NOT_YET_HANDLED;
  }
  dbus_connection_send(connection, reply, nullptr);
  dbus_message_unref(reply);
  return DBUS_HANDLER_RESULT_HANDLED;
}

// org.freedesktop.systemd1 on the bus at `address`, served from a thread of its own.
class FakeSystemd {
 public:
  explicit FakeSystemd(const std::string& address) {
    DBusError error;
    dbus_error_init(&error);
    connection_ = dbus_connection_open_private(address.c_str(), &error);
    if (connection_ == nullptr || !dbus_bus_register(connection_, &error) ||
        dbus_bus_request_name(connection_, "org.freedesktop.systemd1", DBUS_NAME_FLAG_DO_NOT_QUEUE, &error) !=
            DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER) {
      problem_ = dbus_error_is_set(&error) ? error.message : "cannot own org.freedesktop.systemd1";
      dbus_error_free(&error);
      return;
    }
    static const DBusObjectPathVTable kTable = {nullptr, &AnswerAsSystemd, nullptr, nullptr, nullptr, nullptr};
    dbus_connection_register_fallback(connection_, "/org/freedesktop/systemd1", &kTable, nullptr);
    thread_ = std::thread([this] {
      while (!stop_ && dbus_connection_read_write_dispatch(connection_, 50)) {
      }
    });
  }
  ~FakeSystemd() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (connection_ != nullptr) {
      dbus_connection_close(connection_);
      dbus_connection_unref(connection_);
    }
  }
  const std::string& problem() const { return problem_; }

 private:
  DBusConnection* connection_ = nullptr;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::string problem_;
};

TEST(SystemdOverDbus, ReadsUnitsServiceTypesAndSocketCountsFromTheBus) {
  testing::TempDir dir;
  const std::string address = "unix:path=" + dir.File("bus");
  auto daemon = testing::Process::Start({"dbus-daemon", "--session", "--nofork", "--nopidfile", "--address=" + address},
                                        dir.File("dbus.out"), dir.File("dbus.err"));
  ASSERT_TRUE(testing::WaitFor([&] { return std::filesystem::exists(dir.File("bus")) || !daemon->Running(); }))
      << daemon->Stderr();
  FakeSystemd systemd(address);
  ASSERT_TRUE(systemd.problem().empty()) << systemd.problem();
  setenv("DBUS_SYSTEM_BUS_ADDRESS", address.c_str(), 1);
  auto families = MakeSystemdCollector({})->Collect();
  unsetenv("DBUS_SYSTEM_BUS_ADDRESS");
  ASSERT_TRUE(families.ok()) << families.error().message;
  auto scrape = testing::RenderAndParse(*families);
  EXPECT_EQ(scrape.Value("node_systemd_unit_state", {{"name", "nginx.service"}, {"state", "active"}, {"type", "notify"}}),
            1);
  EXPECT_TRUE(scrape.Find("node_systemd_unit_state", {{"name", "tmp.mount"}}).empty()) << "mounts are excluded";
  EXPECT_EQ(scrape.Value("node_systemd_socket_accepted_connections_total", {{"name", "ssh.socket"}}), 7);
  EXPECT_EQ(scrape.Value("node_systemd_socket_current_connections", {{"name", "ssh.socket"}}), 1);
  EXPECT_EQ(scrape.Value("node_systemd_socket_refused_connections_total", {{"name", "ssh.socket"}}), 2);
  EXPECT_EQ(scrape.Value("node_systemd_system_running"), 1);
}

}  // namespace
}  // namespace vigil::agent
