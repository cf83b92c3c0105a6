# Every third-party dependency is found here, once, from Debian's packages (scripts/debian-packages
# lists them for scripts/run-local and scripts/test).
#
# With VIGIL_STATIC_DEPS (the default) OpenSSL, protobuf-lite, SQLite, yaml-cpp and the C++ runtime
# are linked from Debian's static archives: the agent then maps only the code it uses, which is most
# of the difference between a 14 MiB and a 5 MiB resident agent (see docs/performance.md).
# prometheus-cpp (collector only) has no static archive in Debian and stays shared.
set(THREADS_PREFER_PTHREAD_FLAG ON)
find_package(Threads REQUIRED)
# Boost.System is header-only since 1.69; its stub library is not linked (a static-pie agent could
# not take the .so).
find_package(Boost 1.74 REQUIRED)
if(VIGIL_STATIC_DEPS)
  set(OPENSSL_USE_STATIC_LIBS TRUE)
  set(Protobuf_USE_STATIC_LIBS ON)
endif()
find_package(OpenSSL 3 REQUIRED)
find_package(Protobuf REQUIRED)
find_package(nlohmann_json 3 REQUIRED)

# SQLite and yaml-cpp through targets of our own, so that one switch picks the archive or the
# shared library for every user.
if(VIGIL_STATIC_DEPS)
  find_library(VIGIL_SQLITE3_LIBRARY NAMES libsqlite3.a REQUIRED)
  find_library(VIGIL_YAML_CPP_LIBRARY NAMES libyaml-cpp.a REQUIRED)
  find_path(VIGIL_YAML_CPP_INCLUDE yaml-cpp/yaml.h REQUIRED)
  add_library(vigil_sqlite3 INTERFACE)
  target_link_libraries(vigil_sqlite3 INTERFACE ${VIGIL_SQLITE3_LIBRARY} Threads::Threads
                                                ${CMAKE_DL_LIBS} m)
  add_library(vigil_yaml_cpp INTERFACE)
  target_link_libraries(vigil_yaml_cpp INTERFACE ${VIGIL_YAML_CPP_LIBRARY})
  target_include_directories(vigil_yaml_cpp SYSTEM INTERFACE ${VIGIL_YAML_CPP_INCLUDE})
else()
  find_package(SQLite3 REQUIRED)
  find_package(yaml-cpp REQUIRED)
  add_library(vigil_sqlite3 INTERFACE)
  target_link_libraries(vigil_sqlite3 INTERFACE SQLite::SQLite3)
  add_library(vigil_yaml_cpp INTERFACE)
  target_link_libraries(vigil_yaml_cpp INTERFACE yaml-cpp)
endif()
add_library(vigil::sqlite3 ALIAS vigil_sqlite3)
add_library(vigil::yaml_cpp ALIAS vigil_yaml_cpp)

find_package(PkgConfig REQUIRED)

# libdbus-1: the agent's systemd collector asks systemd over D-Bus. Not libsystemd's sd-bus:
# libsystemd has no static archive, and the agent is one static binary (VIGIL_STATIC_AGENT).
pkg_check_modules(VIGIL_DBUS REQUIRED dbus-1)
add_library(vigil_dbus INTERFACE)
target_include_directories(vigil_dbus SYSTEM INTERFACE ${VIGIL_DBUS_INCLUDE_DIRS})
if(VIGIL_STATIC_AGENT)
  find_library(VIGIL_DBUS_ARCHIVE NAMES libdbus-1.a REQUIRED)
  # After the archive on the link line, so that its references to libsystemd find them.
  add_library(vigil_dbus_static_stubs STATIC ${PROJECT_SOURCE_DIR}/agent/static_link_stubs.cc)
  target_link_libraries(vigil_dbus INTERFACE ${VIGIL_DBUS_ARCHIVE} vigil_dbus_static_stubs Threads::Threads)
else()
  target_link_libraries(vigil_dbus INTERFACE ${VIGIL_DBUS_LINK_LIBRARIES})
endif()
add_library(vigil::dbus ALIAS vigil_dbus)

# CLI11 (header-only): the command lines of all three binaries.
find_path(VIGIL_CLI11_INCLUDE CLI/CLI.hpp REQUIRED)
add_library(vigil_cli11 INTERFACE)
target_include_directories(vigil_cli11 SYSTEM INTERFACE ${VIGIL_CLI11_INCLUDE})
add_library(vigil::cli11 ALIAS vigil_cli11)

# What the collector, vigilctl and the tests need, and the agent does not.
if(NOT VIGIL_AGENT_ONLY)
  find_package(prometheus-cpp REQUIRED COMPONENTS core)

  # RE2 (rule and silence matchers): Prometheus's regular-expression syntax, and linear-time
  # matching that no user-given pattern can turn into a stack overflow or a runaway search.
  pkg_check_modules(VIGIL_RE2 REQUIRED IMPORTED_TARGET re2)
  add_library(vigil_re2 INTERFACE)
  target_link_libraries(vigil_re2 INTERFACE PkgConfig::VIGIL_RE2)
  add_library(vigil::re2 ALIAS vigil_re2)

  # libcurl: vigilctl's HTTP(S) client (and, later, webhook delivery).
  find_package(CURL REQUIRED)
  find_package(ZLIB REQUIRED)  # gzip on /metrics
  # Howard Hinnant's date/tz on the system's tz database: SLA business-hour calendars.
  find_package(date REQUIRED)

  if(VIGIL_TESTS)
    find_package(GTest REQUIRED)
  endif()
endif()
