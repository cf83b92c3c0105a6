# Cross-builds for aarch64 with Debian's g++-aarch64-linux-gnu against the arm64 multiarch
# libraries (dpkg --add-architecture arm64; libssl-dev:arm64 and the other archives the agent links,
# as scripts/debian-packages-tests lists them, and VIGIL_AARCH64_SYSROOT below). Used with
# -DVIGIL_AGENT_ONLY=ON: only the agent is built for other architectures. scripts/package and the
# qemu test configure with it.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
# find_library and find_path look in /usr/lib/aarch64-linux-gnu and /usr/include/aarch64-linux-gnu;
# the cross compiler searches the same multiarch folders on its own.
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
# Archives whose arm64 -dev package cannot be installed beside amd64's (libyaml-cpp-dev), unpacked
# by scripts/lib.sh's prepare_aarch64_sysroot; searched before the multiarch folders.
set(VIGIL_AARCH64_SYSROOT "${CMAKE_CURRENT_LIST_DIR}/../../build/sysroot-aarch64" CACHE PATH
    "Folder holding unpacked arm64 packages")
list(PREPEND CMAKE_LIBRARY_PATH ${VIGIL_AARCH64_SYSROOT}/usr/lib/aarch64-linux-gnu)
# Programs that run during the build (protoc) are the build machine's.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
# pkg-config answers for arm64 (dbus-1), never with the build machine's .pc files.
set(PKG_CONFIG_EXECUTABLE aarch64-linux-gnu-pkg-config CACHE FILEPATH "pkg-config for aarch64")
# Tests that run what was built go through qemu-user.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64-static)
