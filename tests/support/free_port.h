#pragma once
// For programs that cannot report the port they bound (node_exporter, Prometheus, Alertmanager):
// a loopback port the kernel just handed out and the test released again.

#include <cstdint>

namespace vigil::testing {

std::uint16_t FreeLoopbackPort();

}  // namespace vigil::testing
