#pragma once
// Waiting for a condition instead of sleeping a fixed time: polls until true or the deadline.

#include <chrono>
#include <functional>

namespace vigil::testing {

// True as soon as `condition` holds; false when `timeout` passes first.
bool WaitFor(const std::function<bool()>& condition,
             std::chrono::milliseconds timeout = std::chrono::seconds(20),
             std::chrono::milliseconds poll = std::chrono::milliseconds(20));

}  // namespace vigil::testing
