#pragma once
// Runs one Asio coroutine to completion on a fresh io_context and returns its result, for tests of
// code written as coroutines.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>
#include <functional>
#include <optional>

namespace vigil::testing {

template <typename T>
T RunAwaitable(const std::function<boost::asio::awaitable<T>(boost::asio::any_io_executor)>& make) {
  boost::asio::io_context io;
  std::optional<T> result;
  std::exception_ptr failure;
  boost::asio::co_spawn(io, make(io.get_executor()), [&](std::exception_ptr e, T value) {
    failure = e;
    if (!e) result = std::move(value);
  });
  io.run();
  if (failure) std::rethrow_exception(failure);
  return std::move(*result);
}

}  // namespace vigil::testing
