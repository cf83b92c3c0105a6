# One INTERFACE target carries the language standard, warnings and sanitizer flags; every
# Vigil target links it instead of setting flags of its own.
add_library(vigil_options INTERFACE)
add_library(vigil::options ALIAS vigil_options)
target_compile_features(vigil_options INTERFACE cxx_std_20)
set(CMAKE_CXX_EXTENSIONS OFF)
target_compile_options(vigil_options INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor)
if(VIGIL_WERROR)
  target_compile_options(vigil_options INTERFACE -Werror)
endif()
if(VIGIL_SANITIZE)
  target_compile_options(vigil_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
                                                 -fno-sanitize-recover=undefined)
  target_link_options(vigil_options INTERFACE -fsanitize=address,undefined)
endif()
if(VIGIL_FUZZ)
  # Every library a fuzz target calls is instrumented, not only the target's own file.
  target_compile_options(vigil_options INTERFACE -fsanitize=fuzzer-no-link,address,undefined
                                                 -fno-omit-frame-pointer)
  target_link_options(vigil_options INTERFACE -fsanitize=fuzzer-no-link,address,undefined)
endif()
target_compile_definitions(vigil_options INTERFACE VIGIL_VERSION="${PROJECT_VERSION}")
if(VIGIL_STATIC_DEPS)
  # Not for the static-pie agent, which gets the runtime statically anyway: g++ 12 follows
  # -static-libstdc++ with -Bdynamic, and a static-pie linked that way jumps to address 0 at start.
  target_link_options(vigil_options INTERFACE
    "$<$<NOT:$<AND:$<BOOL:${VIGIL_STATIC_AGENT}>,$<STREQUAL:$<TARGET_PROPERTY:NAME>,vigil-agent>>>:-static-libstdc++;-static-libgcc>")
endif()

# Boost 1.74's asio awaitable header uses std::exchange without including <utility>, which g++ 12
# rejects under C++20; every target that includes Asio gets <utility> first.
add_library(vigil_asio INTERFACE)
target_compile_options(vigil_asio INTERFACE -include utility)
# g++ 12 at -O2 mistakes Asio's coroutine-frame allocator (a class-specific operator new/delete
# pair) for a mismatched pair; the warning is a known false positive there.
target_compile_options(vigil_asio INTERFACE -Wno-mismatched-new-delete)
target_link_libraries(vigil_asio INTERFACE Boost::headers OpenSSL::SSL OpenSSL::Crypto
                                           Threads::Threads)
