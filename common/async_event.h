#pragma once
// A wake-up signal for one coroutine on a single strand: Notify() from any handler on the same
// strand wakes a Wait() in progress, or makes the next Wait() return at once. Not thread-safe.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/units.h"

namespace vigil {

class AsyncEvent {
 public:
  explicit AsyncEvent(const boost::asio::any_io_executor& executor) : timer_(executor) {}

  void Notify() {
    pending_ = true;
    timer_.cancel();
  }

  // Returns when notified or after `timeout`, whichever is first; clears the notification.
  boost::asio::awaitable<void> Wait(Duration timeout) {
    if (!pending_) {
      timer_.expires_after(timeout);
      boost::system::error_code ec;
      co_await timer_.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    }
    pending_ = false;
  }

 private:
  boost::asio::steady_timer timer_;
  bool pending_ = false;
};

}  // namespace vigil
