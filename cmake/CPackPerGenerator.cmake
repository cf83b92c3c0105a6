# Read by cpack once per generator (CPACK_PROJECT_CONFIG_FILE): the system packages carry the
# installed layout (component agent), the tarball the same files side by side (agent_tarball); the
# collector (with vigilctl) is a .deb, made where it is built (not in agent-only cross builds).
if(CPACK_GENERATOR STREQUAL "TGZ")
  set(CPACK_COMPONENTS_ALL agent_tarball)
  set(CPACK_PACKAGING_INSTALL_PREFIX "/")
  # One folder named as the file: vigil-agent-VERSION-linux-MACHINE/.
  set(CPACK_COMPONENT_INCLUDE_TOPLEVEL_DIRECTORY ON)
  set(CPACK_PACKAGE_FILE_NAME vigil-agent-${CPACK_PACKAGE_VERSION}-linux-${CPACK_VIGIL_MACHINE})
  set(CPACK_ARCHIVE_AGENT_TARBALL_FILE_NAME ${CPACK_PACKAGE_FILE_NAME})
elseif(CPACK_GENERATOR STREQUAL "DEB" AND NOT CPACK_VIGIL_AGENT_ONLY)
  set(CPACK_COMPONENTS_ALL agent collector)
else()
  set(CPACK_COMPONENTS_ALL agent)
endif()
