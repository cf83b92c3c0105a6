#pragma once
// Result<T>: a value or an Error, for failures that callers are expected to handle (network,
// disk, config, peer). Programmer errors assert; start-up failures may throw.

#include <cassert>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace vigil {

// What kind of failure an Error is: the one thing code branches on, and the snake_case name
// (ErrorCodeName) that API bodies, metric labels and logs show. One canonical set for the whole
// program; collector/http_errors.cc maps each to an HTTP status in one place.
enum class ErrorCode : std::uint8_t {
  kUnknown,  // only the message matters
  // The API's codes (docs/api.md).
  kBadRequest,
  kInvalidTime,
  kUnauthenticated,
  kForbidden,
  kNotFound,
  kMethodNotAllowed,
  kRequestTimeout,
  kConflict,
  kPayloadTooLarge,
  kUnsupportedMediaType,
  kTooManyRequests,
  kRequestHeaderFieldsTooLarge,
  kInternal,
  kUnavailable,
  // Peers and connections.
  kTimeout,
  kClosed,
  kCancelled,
  kTlsHandshakeFailed,
  kIoError,  // a socket, file or kernel interface failed; the message says which
  kFrameTooLarge,
  kMalformedMessage,
  kProtocolViolation,
  kRefused,  // the peer said no (a Goodbye)
  // Files, the kernel and what is read from them.
  kPermissionDenied,
  kNotSupported,
  kInvalidArgument,  // a setting, argument or text that breaks its rules
  kNoData,
  kReadFailed,
  kParseFailed,
  kTooLarge,
  kExists,
  kNotApplicable,  // a check that does not apply to this host
  kBudgetSpent,    // a bounded piece of work stopped at its budget
  // Stores.
  kStoreFailed,
  kSchemaTooNew,
  kBusy,  // another process holds it
};

// "bad_request", "not_found", ...; "" for kUnknown.
std::string_view ErrorCodeName(ErrorCode code);
// For test failure messages.
std::ostream& operator<<(std::ostream& out, ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kUnknown;
  // Human-readable, names what was wrong and where. Never contains a secret.
  std::string message;
};

inline Error MakeError(ErrorCode code, std::string message) {
  return Error{code, std::move(message)};
}

// The same error with `context` (what was being done, where) in front of its message, for an
// error that crosses a layer.
inline Error WithContext(const Error& error, const std::string& context) {
  return Error{error.code, context + ": " + error.message};
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value)
      : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(state_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(state_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(state_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const {
    assert(!ok());
    return std::get<1>(state_);
  }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const {
    assert(!ok());
    return *error_;
  }

 private:
  std::optional<Error> error_;
};

using Status = Result<void>;

inline Status OkStatus() { return {}; }

}  // namespace vigil
