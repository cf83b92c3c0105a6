# Packages, with CPack: the agent as .deb, .rpm and a plain tarball for the architecture being built
# (x86_64 natively, aarch64 through cmake/toolchains/aarch64-linux-gnu.cmake), and the collector with
# vigilctl as a .deb (native builds). `scripts/package` makes every package of both architectures
# into build/packages/; tests/packaging checks them.
#
# Layout, the same in every format: /usr/bin/vigil-agent, /usr/lib/systemd/system (where systemd
# looks on Debian, RHEL and SUSE alike), /etc/vigil/agent.yaml as a conffile / %config(noreplace),
# documentation in /usr/share/doc/vigil-agent. Maintainer scripts in packaging/agent/{deb,rpm}.
include(GNUInstallDirs)

set(VIGIL_PACKAGING_DIR ${PROJECT_SOURCE_DIR}/packaging)

install(FILES ${VIGIL_PACKAGING_DIR}/systemd/vigil-agent.service
        DESTINATION lib/systemd/system COMPONENT agent)
install(FILES ${VIGIL_PACKAGING_DIR}/agent/agent.yaml
        DESTINATION /etc/vigil COMPONENT agent)
# Debian wants a native package's changelog compressed, reproducibly (no name or time in the
# header).
execute_process(COMMAND gzip -9nc ${VIGIL_PACKAGING_DIR}/changelog
                OUTPUT_FILE ${PROJECT_BINARY_DIR}/changelog.gz COMMAND_ERROR_IS_FATAL ANY)
install(FILES ${VIGIL_PACKAGING_DIR}/agent/copyright ${PROJECT_BINARY_DIR}/changelog.gz
              ${PROJECT_SOURCE_DIR}/docs/operations.md ${PROJECT_SOURCE_DIR}/docs/configuration.md
              ${PROJECT_SOURCE_DIR}/docs/security-checks.md
        DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/vigil-agent COMPONENT agent)
# The tarball, for systems without dpkg or rpm: the same files side by side, and how to place them.
install(TARGETS vigil-agent RUNTIME DESTINATION . COMPONENT agent_tarball)
install(FILES ${VIGIL_PACKAGING_DIR}/systemd/vigil-agent.service ${VIGIL_PACKAGING_DIR}/agent/agent.yaml
              ${VIGIL_PACKAGING_DIR}/agent/INSTALL ${VIGIL_PACKAGING_DIR}/agent/copyright
        DESTINATION . COMPONENT agent_tarball)

if(NOT VIGIL_AGENT_ONLY)
  install(FILES ${VIGIL_PACKAGING_DIR}/systemd/vigil-collector.service
          DESTINATION lib/systemd/system COMPONENT collector)
  install(FILES ${PROJECT_SOURCE_DIR}/config/examples/collector.yaml
          DESTINATION /etc/vigil COMPONENT collector)
  install(FILES ${PROJECT_SOURCE_DIR}/config/examples/rules.d/host.yaml
          DESTINATION /etc/vigil/rules.d COMPONENT collector)
  install(PROGRAMS ${PROJECT_SOURCE_DIR}/scripts/make-pki
          DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/vigil-collector COMPONENT collector)
  # Grafana's dashboards and provisioning, Prometheus's scrape config and rules: to copy or point at
  # (docs/operations.md).
  install(DIRECTORY ${VIGIL_PACKAGING_DIR}/grafana ${VIGIL_PACKAGING_DIR}/prometheus
          DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/vigil-collector COMPONENT collector)
  install(FILES ${VIGIL_PACKAGING_DIR}/collector/copyright ${PROJECT_BINARY_DIR}/changelog.gz
                ${PROJECT_SOURCE_DIR}/docs/operations.md ${PROJECT_SOURCE_DIR}/docs/configuration.md
                ${PROJECT_SOURCE_DIR}/docs/api.md ${PROJECT_SOURCE_DIR}/docs/rules.md
                ${PROJECT_SOURCE_DIR}/docs/webhooks.md ${PROJECT_SOURCE_DIR}/docs/sla.md
          DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/vigil-collector COMPONENT collector)
endif()

# Architecture names differ per format: amd64/arm64 for Debian, x86_64/aarch64 for RPM and the
# tarball (uname -m).
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
  set(VIGIL_DEB_ARCH amd64)
  set(VIGIL_MACHINE x86_64)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64)$")
  set(VIGIL_DEB_ARCH arm64)
  set(VIGIL_MACHINE aarch64)
else()
  set(VIGIL_DEB_ARCH ${CMAKE_SYSTEM_PROCESSOR})
  set(VIGIL_MACHINE ${CMAKE_SYSTEM_PROCESSOR})
endif()

set(CPACK_PACKAGE_NAME vigil)
set(CPACK_PACKAGE_VENDOR "Vigil")
set(CPACK_PACKAGE_CONTACT "Vigil engineering <vigil@example.com>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR DEB RPM TGZ)
# Which components go into which format: cmake/CPackPerGenerator.cmake.
set(CPACK_PROJECT_CONFIG_FILE ${PROJECT_SOURCE_DIR}/cmake/CPackPerGenerator.cmake)
set(CPACK_VIGIL_MACHINE ${VIGIL_MACHINE})
set(CPACK_VIGIL_AGENT_ONLY ${VIGIL_AGENT_ONLY})
# The first line is the summary; lines stay under 80 characters (lintian, rpmlint).
set(CPACK_COMPONENT_AGENT_DESCRIPTION
    "Vigil agent: host health, probes and security scans for vigil-collector\n\
Collects node_exporter-compatible host metrics, runs probes and scans the\n\
host's security posture, and streams it all over TLS to vigil-collector,\n\
spooling to disk while the collector is away. One static executable: it\n\
needs no library of the host.")

set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE ${VIGIL_DEB_ARCH})
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_AGENT_PACKAGE_NAME vigil-agent)
# Static: no shared library to depend on. useradd (passwd) and getent (libc-bin) are essential or
# required on every Debian.
set(CPACK_DEBIAN_AGENT_PACKAGE_DEPENDS "")
set(CPACK_COMPONENT_COLLECTOR_DESCRIPTION
    "Vigil collector: incidents, notifications and SLAs for a fleet of agents\n\
Receives vigil-agent streams over TLS, serves each agent to Prometheus,\n\
evaluates rules into incidents, pages on-call through signed webhooks,\n\
and keeps fault reports and contract SLAs. With vigilctl, its REST\n\
API's command-line client.")
set(CPACK_DEBIAN_COLLECTOR_PACKAGE_NAME vigil-collector)
# Depends from the binaries' shared libraries (dpkg-shlibdeps), and openssl for the first
# certificates postinst makes.
set(CPACK_DEBIAN_COLLECTOR_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_COLLECTOR_PACKAGE_DEPENDS "openssl")
set(CPACK_DEBIAN_COLLECTOR_PACKAGE_CONTROL_EXTRA
    "${VIGIL_PACKAGING_DIR}/collector/deb/conffiles;${VIGIL_PACKAGING_DIR}/collector/deb/postinst;\
${VIGIL_PACKAGING_DIR}/collector/deb/prerm;${VIGIL_PACKAGING_DIR}/collector/deb/postrm")
set(CPACK_DEBIAN_AGENT_PACKAGE_CONTROL_EXTRA
    "${VIGIL_PACKAGING_DIR}/agent/deb/conffiles;${VIGIL_PACKAGING_DIR}/agent/deb/postinst;\
${VIGIL_PACKAGING_DIR}/agent/deb/prerm;${VIGIL_PACKAGING_DIR}/agent/deb/postrm")

set(CPACK_RPM_COMPONENT_INSTALL ON)
set(CPACK_RPM_FILE_NAME RPM-DEFAULT)
set(CPACK_RPM_PACKAGE_ARCHITECTURE ${VIGIL_MACHINE})
set(CPACK_RPM_PACKAGE_LICENSE "Proprietary")
set(CPACK_RPM_PACKAGE_GROUP "System Environment/Daemons")
set(CPACK_RPM_PACKAGE_URL "https://vigil.invalid/")
set(CPACK_RPM_PACKAGE_RELEASE 1)
set(CPACK_PACKAGE_RELOCATABLE OFF)
# rpmbuild's /usr/lib/.build-id links would clash between packages of the same binary, and the
# Packager tag names who to ask.
set(CPACK_RPM_SPEC_MORE_DEFINE "%define _build_id_links none\n%define packager ${CPACK_PACKAGE_CONTACT}")
set(CPACK_RPM_AGENT_PACKAGE_NAME vigil-agent)
set(CPACK_RPM_AGENT_PACKAGE_SUMMARY "Vigil agent: host health, probes and security scans")
# Nothing to require from the host: the binary is static and rpm's automatic dependency scan
# would only add /bin/sh, which every RPM system has.
set(CPACK_RPM_AGENT_PACKAGE_AUTOREQPROV OFF)
set(CPACK_RPM_AGENT_USER_FILELIST "%config(noreplace) /etc/vigil/agent.yaml" "%dir /etc/vigil")
set(CPACK_RPM_AGENT_PRE_INSTALL_SCRIPT_FILE ${VIGIL_PACKAGING_DIR}/agent/rpm/pre.sh)
set(CPACK_RPM_AGENT_POST_INSTALL_SCRIPT_FILE ${VIGIL_PACKAGING_DIR}/agent/rpm/post.sh)
set(CPACK_RPM_AGENT_PRE_UNINSTALL_SCRIPT_FILE ${VIGIL_PACKAGING_DIR}/agent/rpm/preun.sh)
set(CPACK_RPM_AGENT_POST_UNINSTALL_SCRIPT_FILE ${VIGIL_PACKAGING_DIR}/agent/rpm/postun.sh)
# The folders every system already owns stay out of the package's file list.
set(CPACK_RPM_EXCLUDE_FROM_AUTO_FILELIST_ADDITION /usr/lib/systemd /usr/lib/systemd/system)

set(CPACK_ARCHIVE_COMPONENT_INSTALL ON)

include(CPack)
